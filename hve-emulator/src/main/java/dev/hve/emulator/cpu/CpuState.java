package dev.hve.emulator.cpu;

import dev.hve.emulator.fpu.FpuState;

/**
 * The architectural state of one logical processor, kept in primitive fields and arrays so that
 * the interpreter touches no objects on its hot path. A backend loads guest state into it from
 * its VMCS or VMCB on entry and saves it back on exit.
 *
 * <p>Segment caches are indexed by {@link #ES} .. {@link #TR}. Attributes use the descriptor's own
 * layout shifted down by 40 (bits 3:0 type, 4 S, 6:5 DPL, 7 P, 12 AVL, 13 L, 14 D/B, 15 G), plus
 * {@link #SEGMENT_UNUSABLE} at bit 16.
 */
public final class CpuState {

    public static final int ES = 0;
    public static final int CS = 1;
    public static final int SS = 2;
    public static final int DS = 3;
    public static final int FS = 4;
    public static final int GS = 5;
    public static final int LDTR = 6;
    public static final int TR = 7;

    public static final int SEGMENT_UNUSABLE = 1 << 16;

    // RFLAGS bits (Intel SDM Vol. 1 §3.4.3).
    public static final long CF = 1L;
    public static final long PF = 1L << 2;
    public static final long AF = 1L << 4;
    public static final long ZF = 1L << 6;
    public static final long SF = 1L << 7;
    public static final long TF = 1L << 8;
    public static final long IF = 1L << 9;
    public static final long DF = 1L << 10;
    public static final long OF = 1L << 11;
    public static final long IOPL = 3L << 12;
    public static final long NT = 1L << 14;
    public static final long RF = 1L << 16;
    public static final long VM = 1L << 17;
    public static final long AC = 1L << 18;
    public static final long VIF = 1L << 19;
    public static final long VIP = 1L << 20;
    public static final long ID = 1L << 21;
    /** Bit 1 of RFLAGS always reads as one. */
    public static final long FIXED_ONE = 1L << 1;

    // CR0 bits (Intel SDM Vol. 3A §2.5).
    public static final long CR0_PE = 1L;
    public static final long CR0_MP = 1L << 1;
    public static final long CR0_EM = 1L << 2;
    public static final long CR0_TS = 1L << 3;
    public static final long CR0_ET = 1L << 4;
    public static final long CR0_NE = 1L << 5;
    public static final long CR0_WP = 1L << 16;
    public static final long CR0_AM = 1L << 18;
    public static final long CR0_NW = 1L << 29;
    public static final long CR0_CD = 1L << 30;
    public static final long CR0_PG = 1L << 31;

    // CR4 bits.
    public static final long CR4_VME = 1L;
    public static final long CR4_PVI = 1L << 1;
    public static final long CR4_TSD = 1L << 2;
    public static final long CR4_DE = 1L << 3;
    public static final long CR4_PSE = 1L << 4;
    public static final long CR4_PAE = 1L << 5;
    public static final long CR4_MCE = 1L << 6;
    public static final long CR4_PGE = 1L << 7;
    public static final long CR4_PCE = 1L << 8;
    public static final long CR4_OSFXSR = 1L << 9;
    public static final long CR4_OSXMMEXCPT = 1L << 10;
    public static final long CR4_UMIP = 1L << 11;
    public static final long CR4_LA57 = 1L << 12;
    public static final long CR4_VMXE = 1L << 13;
    public static final long CR4_FSGSBASE = 1L << 16;
    public static final long CR4_PCIDE = 1L << 17;
    public static final long CR4_OSXSAVE = 1L << 18;
    public static final long CR4_SMEP = 1L << 20;
    public static final long CR4_SMAP = 1L << 21;

    // EFER bits (IA32_EFER, MSR C000_0080h).
    public static final long EFER_SCE = 1L;
    public static final long EFER_LME = 1L << 8;
    public static final long EFER_LMA = 1L << 10;
    public static final long EFER_NXE = 1L << 11;
    public static final long EFER_SVME = 1L << 12;

    /** The x87, MMX, XMM and MXCSR state (the units in {@code fpu} and {@code simd} work on it). */
    public final FpuState fpu = new FpuState();

    /** RAX..R15 by encoding. */
    public final long[] gpr = new long[16];
    public long rip;
    /** RFLAGS as stored; an interpreter with lazy flags materializes into this before exits. */
    public long rflags = FIXED_ONE;

    public final int[] segmentSelector = new int[8];
    public final long[] segmentBase = new long[8];
    /** Byte-granular limit (the G bit already applied). */
    public final int[] segmentLimit = new int[8];
    public final int[] segmentAttributes = new int[8];

    public long gdtrBase;
    public int gdtrLimit = 0xFFFF;
    public long idtrBase;
    public int idtrLimit = 0xFFFF;

    public long cr0 = CR0_ET | CR0_NW | CR0_CD;
    public long cr2;
    public long cr3;
    public long cr4;
    public long cr8;
    public long efer;
    /** XCR0 (XSETBV/XGETBV); x87 state is always enabled. */
    public long xcr0 = 1;
    public final long[] dr = new long[8];

    // MSR-held state that both the VMCS guest area and the VMCB save area carry, so backends copy
    // it like the registers above (SDM Vol. 3C §25.4.2; APM Vol. 2 appendix B, VMCB save area).
    /** IA32_STAR (C000_0081h): SYSCALL/SYSRET selectors and the legacy SYSCALL EIP. */
    public long star;
    /** IA32_LSTAR (C000_0082h): 64-bit SYSCALL target. */
    public long lstar;
    /** IA32_CSTAR (C000_0083h): compatibility-mode SYSCALL target. */
    public long cstar;
    /** IA32_FMASK (C000_0084h): RFLAGS bits SYSCALL clears. */
    public long sfmask;
    /** IA32_KERNEL_GS_BASE (C000_0102h): swapped with GS.base by SWAPGS. */
    public long kernelGsBase;
    public long sysenterCs;
    public long sysenterEsp;
    public long sysenterEip;
    /** IA32_PAT, power-on value 0007_0406_0007_0406h. */
    public long pat = 0x0007_0406_0007_0406L;
    /** IA32_TSC_AUX, returned in ECX by RDTSCP. */
    public long tscAux;

    /** Current privilege level; in protected mode, CS.RPL after a successful load. */
    public int cpl;

    /** Blocking by STI or MOV SS for the next instruction (Intel SDM Vol. 3A §6.8.3). */
    public boolean interruptShadow;
    public boolean nmiBlocked;
    /** The processor is in the HLT activity state. */
    public boolean halted;

    public CpuState() {
        resetToRealMode();
    }

    /**
     * The power-on state of Intel SDM Vol. 3A §10.1.1 table 10-1 (caches aside). The x87/SSE state
     * is reset here, as at RESET; an INIT would leave it unchanged (table 9-1).
     */
    public void resetToRealMode() {
        fpu.reset();
        java.util.Arrays.fill(gpr, 0);
        rip = 0xFFF0;
        rflags = FIXED_ONE;
        for (int s = ES; s <= GS; s++) {
            loadRealModeSegment(s, 0);
            segmentAttributes[s] = 0x93;
        }
        segmentSelector[CS] = 0xF000;
        segmentBase[CS] = 0xFFFF_0000L;
        segmentAttributes[CS] = 0x9B;
        segmentSelector[LDTR] = 0;
        segmentBase[LDTR] = 0;
        segmentLimit[LDTR] = 0xFFFF;
        segmentAttributes[LDTR] = 0x82;
        segmentSelector[TR] = 0;
        segmentBase[TR] = 0;
        segmentLimit[TR] = 0xFFFF;
        segmentAttributes[TR] = 0x8B;
        gdtrBase = 0;
        gdtrLimit = 0xFFFF;
        idtrBase = 0;
        idtrLimit = 0xFFFF;
        cr0 = CR0_ET | CR0_NW | CR0_CD;
        cr2 = 0;
        cr3 = 0;
        cr4 = 0;
        cr8 = 0;
        efer = 0;
        xcr0 = 1; // x87 only at power-up (SDM Vol. 3A table 10-1)
        java.util.Arrays.fill(dr, 0);
        dr[6] = 0xFFFF0FF0L;
        dr[7] = 0x400;
        cpl = 0;
        interruptShadow = false;
        nmiBlocked = false;
        halted = false;
    }

    /** Loads a segment the way real mode does: base = selector * 16, limit unchanged. */
    public void loadRealModeSegment(int segment, int selector) {
        segmentSelector[segment] = selector & 0xFFFF;
        segmentBase[segment] = (long) (selector & 0xFFFF) << 4;
        segmentLimit[segment] = 0xFFFF;
    }

    public boolean protectedMode() {
        return (cr0 & CR0_PE) != 0;
    }

    public boolean pagingEnabled() {
        return (cr0 & CR0_PG) != 0;
    }

    public boolean longModeActive() {
        return (efer & EFER_LMA) != 0;
    }

    public boolean virtual8086() {
        return (rflags & VM) != 0;
    }

    /** 64-bit mode: IA-32e mode active and CS.L set. */
    public boolean mode64() {
        return longModeActive() && (segmentAttributes[CS] & (1 << 13)) != 0;
    }

    /** The default operand and address size of the code segment in bytes: 2, 4 or 8. */
    public int codeSize() {
        if (mode64()) {
            return 8;
        }
        if (!protectedMode() || virtual8086()) {
            return 2;
        }
        return (segmentAttributes[CS] & (1 << 14)) != 0 ? 4 : 2;
    }
}
