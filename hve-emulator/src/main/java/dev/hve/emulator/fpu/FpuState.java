package dev.hve.emulator.fpu;

/**
 * The x87 FPU, XMM and MXCSR architectural state (SDM Vol. 1 §8.1 x87 environment, §10.2 SSE
 * registers). One instance per logical processor; the x87 and SSE units operate on it and FXSAVE
 * exchanges it with memory. Plain fields and preallocated arrays, so execution allocates nothing.
 *
 * <p>The data registers are indexed physically (R0-R7); ST(i) is R[(TOP + i) mod 8] (§8.1.2).
 */
public final class FpuState {

    /** FTW 2-bit tags (SDM Vol. 1 §8.1.7, figure 8-7). */
    public static final int TAG_VALID = 0;
    public static final int TAG_ZERO = 1;
    public static final int TAG_SPECIAL = 2;
    public static final int TAG_EMPTY = 3;

    // FSW bits (§8.1.3, figure 8-4); TOP (13:11) is kept in {@link #top}.
    public static final int FSW_IE = 1;
    public static final int FSW_SF = 1 << 6;
    public static final int FSW_ES = 1 << 7;
    public static final int FSW_C0 = 1 << 8;
    public static final int FSW_C1 = 1 << 9;
    public static final int FSW_C2 = 1 << 10;
    public static final int FSW_C3 = 1 << 14;
    public static final int FSW_B = 1 << 15;
    public static final int FSW_CC = FSW_C0 | FSW_C1 | FSW_C2 | FSW_C3;

    /** MXCSR bits (§10.2.3, figure 10-3). */
    public static final int MXCSR_DAZ = 1 << 6;
    public static final int MXCSR_MASKS_SHIFT = 7;
    public static final int MXCSR_RC_SHIFT = 13;
    public static final int MXCSR_FTZ = 1 << 15;
    /** Writable MXCSR bits as FXSAVE reports them in MXCSR_MASK: DAZ is supported (§10.2.3.1, §11.6.6). */
    public static final int MXCSR_MASK = 0xFFFF;
    public static final int MXCSR_RESET = 0x1F80;

    /** Significands of R0-R7 (explicit integer bit in bit 63). */
    public final long[] sig = new long[8];
    /** Sign (bit 15) and biased exponent (14:0) of R0-R7. */
    public final int[] se = new int[8];
    /** 2-bit tags of R0-R7. */
    public final int[] tag = new int[8];
    public int top;
    public int fcw;
    /** FSW without TOP (bits 13:11 zero here). */
    public int fsw;
    /** Last non-control instruction pointer, its CS selector, last data pointer, its DS, opcode (11 bits). */
    public long fip;
    public int fcs;
    public long fdp;
    public int fds;
    public int fop;

    /** XMM0-XMM15: {@code xmm[2*n]} bits 63:0, {@code xmm[2*n+1]} bits 127:64. */
    public final long[] xmm = new long[32];
    public int mxcsr = MXCSR_RESET;

    public FpuState() {
        reset();
    }

    /** Power-up/RESET values (SDM Vol. 3A table 9-1): FCW 0040H, FTW 5555H (all +0.0), MXCSR 1F80H. */
    public void reset() {
        for (int i = 0; i < 8; i++) {
            sig[i] = 0;
            se[i] = 0;
            tag[i] = TAG_ZERO;
        }
        top = 0;
        fcw = 0x40;
        fsw = 0;
        fip = 0;
        fcs = 0;
        fdp = 0;
        fds = 0;
        fop = 0;
        java.util.Arrays.fill(xmm, 0);
        mxcsr = MXCSR_RESET;
    }

    /** FNINIT's state (SDM Vol. 2 FINIT): FCW 037FH, FSW 0, all tags empty, pointers cleared. */
    public void init() {
        fcw = 0x37F;
        fsw = 0;
        top = 0;
        for (int i = 0; i < 8; i++) {
            tag[i] = TAG_EMPTY;
        }
        fip = 0;
        fcs = 0;
        fdp = 0;
        fds = 0;
        fop = 0;
    }

    /**
     * The x87 state component's initial configuration, which XRSTOR loads for XSTATE_BV[0] = 0 (SDM
     * Vol. 1 §13.6): FNINIT's state with ST0-ST7 zero as well.
     */
    public void initX87Component() {
        init();
        java.util.Arrays.fill(sig, 0);
        java.util.Arrays.fill(se, 0);
    }

    /** True when the x87 component is in its initial configuration (SDM Vol. 1 §13.6). */
    public boolean x87Initial() {
        if (fcw != 0x37F || statusWord() != 0 || fip != 0 || fdp != 0 || fcs != 0 || fds != 0 || fop != 0) {
            return false;
        }
        for (int i = 0; i < 8; i++) {
            if (tag[i] != TAG_EMPTY || sig[i] != 0 || se[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * True when XMM0 to XMM{@code count - 1} are zero: the SSE component's initial configuration
     * (SDM Vol. 1 §13.6: XMM0-15 in 64-bit mode, XMM0-7 outside it; MXCSR is not part of it).
     */
    public boolean xmmZero(int count) {
        for (int i = 0; i < 2 * count; i++) {
            if (xmm[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** Physical register number of ST(i). */
    public int phys(int i) {
        return (top + i) & 7;
    }

    /** FSW as FNSTSW reports it, with TOP in bits 13:11. */
    public int statusWord() {
        return (fsw & ~0x3800) | (top << 11);
    }

    public void setStatusWord(int v) {
        top = (v >>> 11) & 7;
        fsw = v & ~0x3800 & 0xFFFF;
        updateSummary();
    }

    /** ES and B follow the unmasked exception flags (SDM Vol. 1 §8.1.3.1 and §8.1.3.3). */
    public void updateSummary() {
        if ((fsw & ~fcw & 0x3F) != 0) {
            fsw |= FSW_ES | FSW_B;
        } else {
            fsw &= ~(FSW_ES | FSW_B);
        }
    }

    /**
     * The full tag word FTW (bits 2i+1:2i for Ri) as FSTENV/FSAVE report it: empty, or else the tag
     * the register's contents imply. Since the P6 family the processor keeps only the abridged
     * (empty / not empty) tag and derives the rest on demand (SDM Vol. 1 §8.1.7, §10.5.1.1); so a
     * register written by MMX (exponent all ones) reads back as "special".
     */
    public int tagWord() {
        int w = 0;
        for (int i = 0; i < 8; i++) {
            int t = tag[i] == TAG_EMPTY ? TAG_EMPTY : tagFor(se[i], sig[i]);
            w |= t << (2 * i);
        }
        return w;
    }

    public void setTagWord(int w) {
        for (int i = 0; i < 8; i++) {
            tag[i] = (w >>> (2 * i)) & 3;
        }
    }

    /** The abridged tag byte FXSAVE stores: bit i set when Ri is not empty (SDM Vol. 1 §10.5.1.1). */
    public int abridgedTag() {
        int b = 0;
        for (int i = 0; i < 8; i++) {
            if (tag[i] != TAG_EMPTY) {
                b |= 1 << i;
            }
        }
        return b;
    }

    /** FXRSTOR: nonempty registers get the tag their contents imply. */
    public void setAbridgedTag(int b) {
        for (int i = 0; i < 8; i++) {
            tag[i] = (b & (1 << i)) == 0 ? TAG_EMPTY : tagFor(se[i], sig[i]);
        }
    }

    /** The tag a value receives when loaded (§8.1.7): zero, valid, or special (NaN, inf, denormal, unsupported). */
    public static int tagFor(int se, long significand) {
        int e = se & 0x7FFF;
        if (e == 0) {
            return significand == 0 ? TAG_ZERO : TAG_SPECIAL;
        }
        if (e == 0x7FFF || significand >= 0) {
            return TAG_SPECIAL;
        }
        return TAG_VALID;
    }

    /** Writes ST(i) and its tag. */
    public void setSt(int i, int signExp, long significand) {
        int r = phys(i);
        se[r] = signExp & 0xFFFF;
        sig[r] = significand;
        tag[r] = tagFor(signExp, significand);
    }

    public boolean empty(int i) {
        return tag[phys(i)] == TAG_EMPTY;
    }

    public int rc() {
        return (fcw >>> 10) & 3;
    }

    /** Precision control in bits: 24, 53 or 64 (the reserved encoding 01 behaves as 64 here). */
    public int precision() {
        switch ((fcw >>> 8) & 3) {
            case 0: return FloatCore.P_SINGLE;
            case 2: return FloatCore.P_DOUBLE;
            default: return FloatCore.P_EXTENDED;
        }
    }

    public int mxcsrRc() {
        return (mxcsr >>> MXCSR_RC_SHIFT) & 3;
    }

    public int mxcsrMasks() {
        return (mxcsr >>> MXCSR_MASKS_SHIFT) & 0x3F;
    }
}
