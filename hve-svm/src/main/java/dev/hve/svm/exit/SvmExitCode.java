package dev.hve.svm.exit;

/**
 * The #VMEXIT codes written to EXITCODE, named as in AMD APM Vol. 2, Appendix C "SVM Intercept
 * Exit Codes" (Table C-1). The exit-code test checks each against the SVM_EXIT_* constants of the
 * Linux UAPI header.
 */
public final class SvmExitCode {

    private SvmExitCode() {
    }

    /** Read of CRn: 0x00 + n. */
    public static final long VMEXIT_CR0_READ = 0x000;
    public static final long VMEXIT_CR2_READ = 0x002;
    public static final long VMEXIT_CR3_READ = 0x003;
    public static final long VMEXIT_CR4_READ = 0x004;
    public static final long VMEXIT_CR8_READ = 0x008;
    /** Write of CRn: 0x10 + n. */
    public static final long VMEXIT_CR0_WRITE = 0x010;
    public static final long VMEXIT_CR2_WRITE = 0x012;
    public static final long VMEXIT_CR3_WRITE = 0x013;
    public static final long VMEXIT_CR4_WRITE = 0x014;
    public static final long VMEXIT_CR8_WRITE = 0x018;
    /** Read of DRn: 0x20 + n. */
    public static final long VMEXIT_DR0_READ = 0x020;
    public static final long VMEXIT_DR7_READ = 0x027;
    /** Write of DRn: 0x30 + n. */
    public static final long VMEXIT_DR0_WRITE = 0x030;
    public static final long VMEXIT_DR7_WRITE = 0x037;
    /** Exception vector n: 0x40 + n. */
    public static final long VMEXIT_EXCP0 = 0x040;
    public static final long VMEXIT_EXCP31 = 0x05F;
    public static final long VMEXIT_INTR = 0x060;
    public static final long VMEXIT_NMI = 0x061;
    public static final long VMEXIT_SMI = 0x062;
    public static final long VMEXIT_INIT = 0x063;
    public static final long VMEXIT_VINTR = 0x064;
    public static final long VMEXIT_CR0_SEL_WRITE = 0x065;
    public static final long VMEXIT_IDTR_READ = 0x066;
    public static final long VMEXIT_GDTR_READ = 0x067;
    public static final long VMEXIT_LDTR_READ = 0x068;
    public static final long VMEXIT_TR_READ = 0x069;
    public static final long VMEXIT_IDTR_WRITE = 0x06A;
    public static final long VMEXIT_GDTR_WRITE = 0x06B;
    public static final long VMEXIT_LDTR_WRITE = 0x06C;
    public static final long VMEXIT_TR_WRITE = 0x06D;
    public static final long VMEXIT_RDTSC = 0x06E;
    public static final long VMEXIT_RDPMC = 0x06F;
    public static final long VMEXIT_PUSHF = 0x070;
    public static final long VMEXIT_POPF = 0x071;
    public static final long VMEXIT_CPUID = 0x072;
    public static final long VMEXIT_RSM = 0x073;
    public static final long VMEXIT_IRET = 0x074;
    public static final long VMEXIT_SWINT = 0x075;
    public static final long VMEXIT_INVD = 0x076;
    public static final long VMEXIT_PAUSE = 0x077;
    public static final long VMEXIT_HLT = 0x078;
    public static final long VMEXIT_INVLPG = 0x079;
    public static final long VMEXIT_INVLPGA = 0x07A;
    public static final long VMEXIT_IOIO = 0x07B;
    public static final long VMEXIT_MSR = 0x07C;
    public static final long VMEXIT_TASK_SWITCH = 0x07D;
    public static final long VMEXIT_FERR_FREEZE = 0x07E;
    public static final long VMEXIT_SHUTDOWN = 0x07F;
    public static final long VMEXIT_VMRUN = 0x080;
    public static final long VMEXIT_VMMCALL = 0x081;
    public static final long VMEXIT_VMLOAD = 0x082;
    public static final long VMEXIT_VMSAVE = 0x083;
    public static final long VMEXIT_STGI = 0x084;
    public static final long VMEXIT_CLGI = 0x085;
    public static final long VMEXIT_SKINIT = 0x086;
    public static final long VMEXIT_RDTSCP = 0x087;
    public static final long VMEXIT_ICEBP = 0x088;
    public static final long VMEXIT_WBINVD = 0x089;
    public static final long VMEXIT_MONITOR = 0x08A;
    public static final long VMEXIT_MWAIT = 0x08B;
    public static final long VMEXIT_MWAIT_CONDITIONAL = 0x08C;
    public static final long VMEXIT_XSETBV = 0x08D;
    public static final long VMEXIT_RDPRU = 0x08E;
    public static final long VMEXIT_EFER_WRITE_TRAP = 0x08F;
    public static final long VMEXIT_CR0_WRITE_TRAP = 0x090;
    public static final long VMEXIT_INVPCID = 0x0A2;
    /** Nested page fault (APM §15.25.6). */
    public static final long VMEXIT_NPF = 0x400;
    public static final long VMEXIT_AVIC_INCOMPLETE_IPI = 0x401;
    public static final long VMEXIT_AVIC_NOACCEL = 0x402;
    public static final long VMEXIT_VMGEXIT = 0x403;
    /** VMRUN's consistency checks failed (APM §15.5.1): EXITCODE = -1. */
    public static final long VMEXIT_INVALID = -1;

    public static long crRead(int cr) {
        return VMEXIT_CR0_READ + cr;
    }

    public static long crWrite(int cr) {
        return VMEXIT_CR0_WRITE + cr;
    }

    public static long drRead(int dr) {
        return VMEXIT_DR0_READ + dr;
    }

    public static long drWrite(int dr) {
        return VMEXIT_DR0_WRITE + dr;
    }

    public static long exception(int vector) {
        return VMEXIT_EXCP0 + vector;
    }
}
