package dev.hve.vmx.controls;

/** Secondary processor-based VM-execution controls (Intel SDM Vol. 3C §25.6.2). */
public final class SecondaryControls {

    public static final int VIRTUALIZE_APIC_ACCESSES = 1;
    public static final int ENABLE_EPT = 1 << 1;
    public static final int DESCRIPTOR_TABLE_EXITING = 1 << 2;
    public static final int ENABLE_RDTSCP = 1 << 3;
    public static final int VIRTUALIZE_X2APIC_MODE = 1 << 4;
    public static final int ENABLE_VPID = 1 << 5;
    public static final int WBINVD_EXITING = 1 << 6;
    public static final int UNRESTRICTED_GUEST = 1 << 7;
    public static final int APIC_REGISTER_VIRTUALIZATION = 1 << 8;
    public static final int VIRTUAL_INTERRUPT_DELIVERY = 1 << 9;
    public static final int PAUSE_LOOP_EXITING = 1 << 10;
    public static final int RDRAND_EXITING = 1 << 11;
    public static final int ENABLE_INVPCID = 1 << 12;
    public static final int ENABLE_VM_FUNCTIONS = 1 << 13;
    public static final int VMCS_SHADOWING = 1 << 14;
    public static final int ENABLE_ENCLS_EXITING = 1 << 15;
    public static final int RDSEED_EXITING = 1 << 16;
    public static final int ENABLE_PML = 1 << 17;
    public static final int EPT_VIOLATION_VE = 1 << 18;
    public static final int ENABLE_XSAVES_XRSTORS = 1 << 20;
    public static final int MODE_BASED_EXECUTE_CONTROL = 1 << 22;
    public static final int USE_TSC_SCALING = 1 << 25;

    private SecondaryControls() {
    }
}
