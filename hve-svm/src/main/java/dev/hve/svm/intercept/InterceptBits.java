package dev.hve.svm.intercept;

/**
 * Bit numbers of the two general intercept vectors at VMCB offsets 0x00C and 0x010 (AMD APM
 * Vol. 2, Table B-1). A set bit makes the event #VMEXIT.
 */
public final class InterceptBits {

    private InterceptBits() {
    }

    // Vector 3, VMCB offset 0x00C.
    public static final int INTR = 0;
    public static final int NMI = 1;
    public static final int SMI = 2;
    public static final int INIT = 3;
    public static final int VINTR = 4;
    /** Writes of CR0 that change bits other than CR0.TS or CR0.MP. */
    public static final int CR0_SELECTIVE_WRITE = 5;
    public static final int IDTR_READ = 6;
    public static final int GDTR_READ = 7;
    public static final int LDTR_READ = 8;
    public static final int TR_READ = 9;
    public static final int IDTR_WRITE = 10;
    public static final int GDTR_WRITE = 11;
    public static final int LDTR_WRITE = 12;
    public static final int TR_WRITE = 13;
    public static final int RDTSC = 14;
    public static final int RDPMC = 15;
    public static final int PUSHF = 16;
    public static final int POPF = 17;
    public static final int CPUID = 18;
    public static final int RSM = 19;
    public static final int IRET = 20;
    public static final int INTN = 21;
    public static final int INVD = 22;
    public static final int PAUSE = 23;
    public static final int HLT = 24;
    public static final int INVLPG = 25;
    public static final int INVLPGA = 26;
    /** Consult the IOPM for IN/OUT/INS/OUTS. */
    public static final int IOIO_PROT = 27;
    /** Consult the MSRPM for RDMSR/WRMSR. */
    public static final int MSR_PROT = 28;
    public static final int TASK_SWITCH = 29;
    public static final int FERR_FREEZE = 30;
    public static final int SHUTDOWN = 31;

    // Vector 4, VMCB offset 0x010.
    public static final int VMRUN = 0;
    public static final int VMMCALL = 1;
    public static final int VMLOAD = 2;
    public static final int VMSAVE = 3;
    public static final int STGI = 4;
    public static final int CLGI = 5;
    public static final int SKINIT = 6;
    public static final int RDTSCP = 7;
    public static final int ICEBP = 8;
    public static final int WBINVD = 9;
    public static final int MONITOR = 10;
    public static final int MWAIT = 11;
    public static final int MWAIT_CONDITIONAL = 12;
    public static final int XSETBV = 13;
    public static final int RDPRU = 14;
    public static final int EFER_WRITE_TRAP = 15;
}
