package dev.hve.vmx.capability;

/** The VMX capability MSRs (Intel SDM Vol. 3C Appendix A; Vol. 4 Table 2-2). */
public final class VmxMsr {

    public static final int IA32_FEATURE_CONTROL = 0x3A;
    public static final int IA32_VMX_BASIC = 0x480;
    public static final int IA32_VMX_PINBASED_CTLS = 0x481;
    public static final int IA32_VMX_PROCBASED_CTLS = 0x482;
    public static final int IA32_VMX_EXIT_CTLS = 0x483;
    public static final int IA32_VMX_ENTRY_CTLS = 0x484;
    public static final int IA32_VMX_MISC = 0x485;
    public static final int IA32_VMX_CR0_FIXED0 = 0x486;
    public static final int IA32_VMX_CR0_FIXED1 = 0x487;
    public static final int IA32_VMX_CR4_FIXED0 = 0x488;
    public static final int IA32_VMX_CR4_FIXED1 = 0x489;
    public static final int IA32_VMX_VMCS_ENUM = 0x48A;
    public static final int IA32_VMX_PROCBASED_CTLS2 = 0x48B;
    public static final int IA32_VMX_EPT_VPID_CAP = 0x48C;
    public static final int IA32_VMX_TRUE_PINBASED_CTLS = 0x48D;
    public static final int IA32_VMX_TRUE_PROCBASED_CTLS = 0x48E;
    public static final int IA32_VMX_TRUE_EXIT_CTLS = 0x48F;
    public static final int IA32_VMX_TRUE_ENTRY_CTLS = 0x490;
    public static final int IA32_VMX_VMFUNC = 0x491;

    private VmxMsr() {
    }
}
