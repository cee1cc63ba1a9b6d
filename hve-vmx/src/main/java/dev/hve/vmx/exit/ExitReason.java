package dev.hve.vmx.exit;

/**
 * VMX basic exit reasons (Intel SDM Vol. 3C Appendix C, "VMX Basic Exit Reasons", Table C-1).
 * The exit-reason field holds the basic reason in bits 15:0 and flags above it (§28.2.1).
 */
public final class ExitReason {

    public static final int EXCEPTION_NMI = 0;
    public static final int EXTERNAL_INTERRUPT = 1;
    public static final int TRIPLE_FAULT = 2;
    public static final int INIT_SIGNAL = 3;
    public static final int SIPI_SIGNAL = 4;
    public static final int IO_SMI = 5;
    public static final int OTHER_SMI = 6;
    public static final int INTERRUPT_WINDOW = 7;
    public static final int NMI_WINDOW = 8;
    public static final int TASK_SWITCH = 9;
    public static final int CPUID = 10;
    public static final int GETSEC = 11;
    public static final int HLT = 12;
    public static final int INVD = 13;
    public static final int INVLPG = 14;
    public static final int RDPMC = 15;
    public static final int RDTSC = 16;
    public static final int RSM = 17;
    public static final int VMCALL = 18;
    public static final int VMCLEAR = 19;
    public static final int VMLAUNCH = 20;
    public static final int VMPTRLD = 21;
    public static final int VMPTRST = 22;
    public static final int VMREAD = 23;
    public static final int VMRESUME = 24;
    public static final int VMWRITE = 25;
    public static final int VMXOFF = 26;
    public static final int VMXON = 27;
    public static final int CR_ACCESS = 28;
    public static final int DR_ACCESS = 29;
    public static final int IO_INSTRUCTION = 30;
    public static final int MSR_READ = 31;
    public static final int MSR_WRITE = 32;
    public static final int INVALID_GUEST_STATE = 33;
    public static final int MSR_LOAD_FAIL = 34;
    public static final int MWAIT_INSTRUCTION = 36;
    public static final int MONITOR_TRAP_FLAG = 37;
    public static final int MONITOR_INSTRUCTION = 39;
    public static final int PAUSE_INSTRUCTION = 40;
    public static final int MCE_DURING_VMENTRY = 41;
    public static final int TPR_BELOW_THRESHOLD = 43;
    public static final int APIC_ACCESS = 44;
    public static final int EOI_INDUCED = 45;
    public static final int GDTR_IDTR = 46;
    public static final int LDTR_TR = 47;
    public static final int EPT_VIOLATION = 48;
    public static final int EPT_MISCONFIG = 49;
    public static final int INVEPT = 50;
    public static final int RDTSCP = 51;
    public static final int PREEMPTION_TIMER = 52;
    public static final int INVVPID = 53;
    public static final int WBINVD = 54;
    public static final int XSETBV = 55;
    public static final int APIC_WRITE = 56;
    public static final int RDRAND = 57;
    public static final int INVPCID = 58;
    public static final int VMFUNC = 59;
    public static final int ENCLS = 60;
    public static final int RDSEED = 61;
    public static final int PML_FULL = 62;
    public static final int XSAVES = 63;
    public static final int XRSTORS = 64;
    public static final int PCONFIG = 65;
    public static final int SPP_EVENT = 66;
    public static final int UMWAIT = 67;
    public static final int TPAUSE = 68;
    public static final int LOADIWKEY = 69;
    public static final int ENCLV = 70;
    public static final int ENQCMD_PASID_FAIL = 72;
    public static final int ENQCMDS_PASID_FAIL = 73;
    public static final int BUS_LOCK = 74;
    public static final int NOTIFY = 75;
    public static final int SEAMCALL = 76;
    public static final int TDCALL = 77;

    /** Bit 31 of the exit-reason field: the VM entry failed (§25.9.1, "Basic VM-Exit Information"). */
    public static final int VM_ENTRY_FAILURE = 1 << 31;

    /** Bits 15:0 of the exit-reason field. */
    public static final int BASIC_MASK = 0xFFFF;

    private ExitReason() {
    }

    public static int basic(int exitReasonField) {
        return exitReasonField & BASIC_MASK;
    }
}
