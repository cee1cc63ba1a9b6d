package dev.hve.vmx.capability;

import dev.hve.vmx.controls.EntryControls;
import dev.hve.vmx.controls.ExitControls;
import dev.hve.vmx.controls.PinBasedControls;
import dev.hve.vmx.controls.ProcessorControls;
import dev.hve.vmx.controls.SecondaryControls;
import dev.hve.vmx.vmcs.VmcsField;

/**
 * What the modeled processor's VMX implementation supports, as its capability MSRs report it
 * (Intel SDM Vol. 3C Appendix A). Only controls the model really honors are allowed to be 1.
 */
public final class VmxCapabilities {

    /** The VMCS revision identifier (bit 31 is always 0: §25.2). */
    public static final int VMCS_REVISION_ID = 0x4856_0001;

    /** The modeled physical-address width, as CPUID.80000008H:EAX[7:0] reports it. */
    public static final int MAXPHYADDR = 39;

    /** IA32_VMX_BASIC bit 54: VM exits due to INS/OUTS report instruction information. */
    public static final long BASIC_INS_OUTS_INFO = 1L << 54;
    /** IA32_VMX_BASIC bit 55: the TRUE_ capability MSRs exist. */
    public static final long BASIC_TRUE_CONTROLS = 1L << 55;
    /** IA32_VMX_MISC bit 29: VMWRITE may write any field, including read-only ones. */
    public static final long MISC_VMWRITE_ANY_FIELD = 1L << 29;

    /** IA32_VMX_EPT_VPID_CAP bits (Appendix A.10). */
    public static final long EPT_EXECUTE_ONLY = 1L;
    public static final long EPT_PAGE_WALK_4 = 1L << 6;
    public static final long EPT_MEMORY_TYPE_UC = 1L << 8;
    public static final long EPT_MEMORY_TYPE_WB = 1L << 14;
    public static final long EPT_2MB_PAGES = 1L << 16;
    public static final long EPT_1GB_PAGES = 1L << 17;
    public static final long EPT_INVEPT = 1L << 20;
    public static final long EPT_ACCESSED_DIRTY = 1L << 21;
    public static final long EPT_INVEPT_SINGLE_CONTEXT = 1L << 25;
    public static final long EPT_INVEPT_ALL_CONTEXT = 1L << 26;
    public static final long VPID_INVVPID = 1L << 32;

    public static final ControlCapability PINBASED = new ControlCapability(PinBasedControls.DEFAULT1,
        PinBasedControls.DEFAULT1 | PinBasedControls.EXTERNAL_INTERRUPT_EXITING | PinBasedControls.NMI_EXITING
            | PinBasedControls.VIRTUAL_NMIS | PinBasedControls.ACTIVATE_VMX_PREEMPTION_TIMER);

    private static final int PROCBASED_ALLOWED1 = ProcessorControls.DEFAULT1
        | ProcessorControls.INTERRUPT_WINDOW_EXITING | ProcessorControls.USE_TSC_OFFSETTING
        | ProcessorControls.HLT_EXITING | ProcessorControls.INVLPG_EXITING | ProcessorControls.RDPMC_EXITING
        | ProcessorControls.RDTSC_EXITING
        | ProcessorControls.CR3_LOAD_EXITING | ProcessorControls.CR3_STORE_EXITING
        | ProcessorControls.CR8_LOAD_EXITING | ProcessorControls.CR8_STORE_EXITING
        | ProcessorControls.NMI_WINDOW_EXITING | ProcessorControls.MOV_DR_EXITING
        | ProcessorControls.UNCONDITIONAL_IO_EXITING | ProcessorControls.USE_IO_BITMAPS
        | ProcessorControls.USE_MSR_BITMAPS | ProcessorControls.PAUSE_EXITING
        | ProcessorControls.ACTIVATE_SECONDARY_CONTROLS;

    public static final ControlCapability PROCBASED = new ControlCapability(ProcessorControls.DEFAULT1, PROCBASED_ALLOWED1);

    /** The TRUE_ variant lets CR3-load and CR3-store exiting be 0 (Appendix A.3.2). */
    public static final ControlCapability TRUE_PROCBASED = new ControlCapability(
        ProcessorControls.DEFAULT1 & ~(ProcessorControls.CR3_LOAD_EXITING | ProcessorControls.CR3_STORE_EXITING),
        PROCBASED_ALLOWED1);

    public static final ControlCapability PROCBASED2 = new ControlCapability(0,
        SecondaryControls.ENABLE_EPT | SecondaryControls.ENABLE_RDTSCP | SecondaryControls.ENABLE_VPID
            | SecondaryControls.WBINVD_EXITING | SecondaryControls.UNRESTRICTED_GUEST
            | SecondaryControls.DESCRIPTOR_TABLE_EXITING
            | SecondaryControls.ENABLE_INVPCID);

    private static final int EXIT_ALLOWED1 = ExitControls.DEFAULT1 | ExitControls.HOST_ADDRESS_SPACE_SIZE
        | ExitControls.ACKNOWLEDGE_INTERRUPT_ON_EXIT | ExitControls.SAVE_IA32_PAT | ExitControls.LOAD_IA32_PAT
        | ExitControls.SAVE_IA32_EFER | ExitControls.LOAD_IA32_EFER | ExitControls.SAVE_VMX_PREEMPTION_TIMER;

    public static final ControlCapability EXIT = new ControlCapability(ExitControls.DEFAULT1, EXIT_ALLOWED1);

    /** The TRUE_ variant lets "save debug controls" be 0 (Appendix A.4). */
    public static final ControlCapability TRUE_EXIT = new ControlCapability(
        ExitControls.DEFAULT1 & ~ExitControls.SAVE_DEBUG_CONTROLS, EXIT_ALLOWED1);

    private static final int ENTRY_ALLOWED1 = EntryControls.DEFAULT1 | EntryControls.IA32E_MODE_GUEST
        | EntryControls.LOAD_IA32_PAT | EntryControls.LOAD_IA32_EFER;

    public static final ControlCapability ENTRY = new ControlCapability(EntryControls.DEFAULT1, ENTRY_ALLOWED1);

    /** The TRUE_ variant lets "load debug controls" be 0 (Appendix A.5). */
    public static final ControlCapability TRUE_ENTRY = new ControlCapability(
        EntryControls.DEFAULT1 & ~EntryControls.LOAD_DEBUG_CONTROLS, ENTRY_ALLOWED1);

    /** CR0 bits that must be 1 in VMX operation: PE, NE, PG (Appendix A.7). */
    public static final long CR0_FIXED0 = 0x8000_0021L;
    public static final long CR0_FIXED1 = 0xFFFF_FFFFL;
    /** CR4 bits that must be 1 in VMX operation: VMXE (Appendix A.8). */
    public static final long CR4_FIXED0 = 0x2000L;
    /** CR4 bits that may be 1: those the core models (no LA57, no PKE/CET). */
    public static final long CR4_FIXED1 = 0x0037_2FFFL;

    /** Activity states beyond active that the model supports: HLT (bit 6); the core has no shutdown or wait-for-SIPI state. */
    private static final long MISC_ACTIVITY_HLT = 1L << 6;
    /** Bit 5: VM exits store EFER.LMA into the "IA-32e mode guest" entry control. */
    private static final long MISC_STORE_LMA = 1L << 5;
    /** The number of CR3-target values supported, in bits 24:16. */
    public static final int CR3_TARGET_VALUES = 4;

    private final long misc;

    /** The model's capabilities; {@code vmwriteAnyField} sets IA32_VMX_MISC bit 29. */
    public VmxCapabilities(boolean vmwriteAnyField) {
        this.misc = MISC_STORE_LMA | MISC_ACTIVITY_HLT
            | ((long) CR3_TARGET_VALUES << 16) | (vmwriteAnyField ? MISC_VMWRITE_ANY_FIELD : 0);
    }

    public VmxCapabilities() {
        this(false);
    }

    public boolean vmwriteAnyField() {
        return (misc & MISC_VMWRITE_ANY_FIELD) != 0;
    }

    /** True when activity state {@code state} (1 HLT, 2 shutdown, 3 wait-for-SIPI) is supported. */
    public boolean supportsActivityState(int state) {
        return state == 0 || (state >= 1 && state <= 3 && (misc >>> (5 + state) & 1) != 0);
    }

    public long eptVpidCap() {
        return EPT_EXECUTE_ONLY | EPT_PAGE_WALK_4 | EPT_MEMORY_TYPE_UC | EPT_MEMORY_TYPE_WB | EPT_2MB_PAGES
            | EPT_1GB_PAGES | EPT_INVEPT | EPT_ACCESSED_DIRTY | EPT_INVEPT_SINGLE_CONTEXT | EPT_INVEPT_ALL_CONTEXT
            | VPID_INVVPID | (0xFL << 40);
    }

    /** IA32_VMX_BASIC (Appendix A.1): revision, 4 KiB region, write-back VMCS memory type, bits 54 and 55. */
    public long basic() {
        return VMCS_REVISION_ID | ((long) 4096 << 32) | (6L << 50) | BASIC_INS_OUTS_INFO | BASIC_TRUE_CONTROLS;
    }

    /** The highest field index in bits 9:1 (Appendix A.9). */
    public long vmcsEnum() {
        int highest = 0;
        for (int i = 0; i < VmcsField.count(); i++) {
            highest = Math.max(highest, VmcsField.byOrdinal(i).index());
        }
        return (long) highest << 1;
    }

    /**
     * RDMSR of a VMX capability MSR.
     *
     * @throws IllegalArgumentException for an MSR that is not a VMX capability MSR
     */
    public long read(int msr) {
        return switch (msr) {
            case VmxMsr.IA32_FEATURE_CONTROL -> 0x5; // locked, VMX outside SMX enabled
            case VmxMsr.IA32_VMX_BASIC -> basic();
            case VmxMsr.IA32_VMX_PINBASED_CTLS, VmxMsr.IA32_VMX_TRUE_PINBASED_CTLS -> PINBASED.msrValue();
            case VmxMsr.IA32_VMX_PROCBASED_CTLS -> PROCBASED.msrValue();
            case VmxMsr.IA32_VMX_TRUE_PROCBASED_CTLS -> TRUE_PROCBASED.msrValue();
            case VmxMsr.IA32_VMX_EXIT_CTLS -> EXIT.msrValue();
            case VmxMsr.IA32_VMX_TRUE_EXIT_CTLS -> TRUE_EXIT.msrValue();
            case VmxMsr.IA32_VMX_ENTRY_CTLS -> ENTRY.msrValue();
            case VmxMsr.IA32_VMX_TRUE_ENTRY_CTLS -> TRUE_ENTRY.msrValue();
            case VmxMsr.IA32_VMX_MISC -> misc;
            case VmxMsr.IA32_VMX_CR0_FIXED0 -> CR0_FIXED0;
            case VmxMsr.IA32_VMX_CR0_FIXED1 -> CR0_FIXED1;
            case VmxMsr.IA32_VMX_CR4_FIXED0 -> CR4_FIXED0;
            case VmxMsr.IA32_VMX_CR4_FIXED1 -> CR4_FIXED1;
            case VmxMsr.IA32_VMX_VMCS_ENUM -> vmcsEnum();
            case VmxMsr.IA32_VMX_PROCBASED_CTLS2 -> PROCBASED2.msrValue();
            case VmxMsr.IA32_VMX_EPT_VPID_CAP -> eptVpidCap();
            case VmxMsr.IA32_VMX_VMFUNC -> 0;
            default -> throw new IllegalArgumentException("not a VMX capability MSR: 0x" + Integer.toHexString(msr));
        };
    }

    /**
     * The capability that VM entry checks a control field against: the TRUE_ MSR when
     * IA32_VMX_BASIC bit 55 is set (Appendix A.2), which it is in this model.
     */
    public ControlCapability pinBased() {
        return PINBASED;
    }

    public ControlCapability primary() {
        return TRUE_PROCBASED;
    }

    public ControlCapability secondary() {
        return PROCBASED2;
    }

    public ControlCapability exit() {
        return TRUE_EXIT;
    }

    public ControlCapability entry() {
        return TRUE_ENTRY;
    }

    /** Whether {@code value} satisfies IA32_VMX_CR0_FIXED0/1; PE and PG are exempt for an unrestricted guest. */
    public static boolean cr0Valid(long value, boolean unrestrictedGuest) {
        long fixed0 = CR0_FIXED0 & (unrestrictedGuest ? ~0x8000_0001L : -1L);
        return (value & fixed0) == fixed0 && (value & ~CR0_FIXED1) == 0;
    }

    public static boolean cr4Valid(long value) {
        return (value & CR4_FIXED0) == CR4_FIXED0 && (value & ~CR4_FIXED1) == 0;
    }
}
