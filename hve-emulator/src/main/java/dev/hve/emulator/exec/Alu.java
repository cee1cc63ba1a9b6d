package dev.hve.emulator.exec;

import static dev.hve.emulator.cpu.CpuState.AF;
import static dev.hve.emulator.cpu.CpuState.CF;
import static dev.hve.emulator.cpu.CpuState.OF;
import static dev.hve.emulator.cpu.CpuState.PF;
import static dev.hve.emulator.cpu.CpuState.SF;
import static dev.hve.emulator.cpu.CpuState.ZF;

import dev.hve.emulator.cpu.CpuState;

/**
 * Integer arithmetic with the exact status flags of Intel SDM Vol. 1 §3.4.3.1 and appendix A,
 * and the per-instruction flag definitions of Vol. 2. Operands are passed zero-extended; sizes are
 * 1, 2, 4 or 8 bytes. Flags are computed eagerly into {@code CpuState.rflags}, which is therefore
 * always exact.
 */
public final class Alu {

    public static final long STATUS = CF | PF | AF | ZF | SF | OF;

    private static final long[] MASK = {0, 0xFFL, 0xFFFFL, 0, 0xFFFF_FFFFL, 0, 0, 0, -1L};
    private static final int[] BITS = {0, 8, 16, 0, 32, 0, 0, 0, 64};
    private static final byte[] PARITY = new byte[256];

    static {
        for (int i = 0; i < 256; i++) {
            PARITY[i] = (byte) ((Integer.bitCount(i) & 1) == 0 ? PF : 0);
        }
    }

    private Alu() {
    }

    public static long mask(int size) {
        return MASK[size];
    }

    public static int bits(int size) {
        return BITS[size];
    }

    /** Sign-extends the low {@code size} bytes of {@code v}. */
    public static long signExtend(long v, int size) {
        switch (size) {
            case 1: return (byte) v;
            case 2: return (short) v;
            case 4: return (int) v;
            default: return v;
        }
    }

    /** ZF, SF and PF of a result already masked to {@code size}. */
    public static long szp(long r, int size) {
        long f = PARITY[(int) (r & 0xFF)];
        if (r == 0) {
            f |= ZF;
        }
        if (((r >>> (BITS[size] - 1)) & 1) != 0) {
            f |= SF;
        }
        return f;
    }

    private static long msb(long v, int size) {
        return (v >>> (BITS[size] - 1)) & 1;
    }

    private static void setStatus(CpuState s, long flags) {
        s.rflags = (s.rflags & ~STATUS) | flags;
    }

    /** ADD / ADC: {@code carry} is 0 or 1. */
    public static long add(CpuState s, long a, long b, long carry, int size) {
        long m = MASK[size];
        a &= m;
        b &= m;
        long r = (a + b + carry) & m;
        long cf;
        if (size == 8) {
            cf = carry != 0 ? (Long.compareUnsigned(r, a) <= 0 ? 1 : 0) : (Long.compareUnsigned(r, a) < 0 ? 1 : 0);
        } else {
            cf = (a + b + carry) > m ? 1 : 0;
        }
        long f = szp(r, size) | cf | ((a ^ b ^ r) & AF);
        if (msb((a ^ r) & (b ^ r), size) != 0) {
            f |= OF;
        }
        setStatus(s, f);
        return r;
    }

    /** SUB / SBB / CMP / NEG: {@code borrow} is 0 or 1. */
    public static long sub(CpuState s, long a, long b, long borrow, int size) {
        long m = MASK[size];
        a &= m;
        b &= m;
        long r = (a - b - borrow) & m;
        long cf;
        if (size == 8) {
            cf = borrow != 0 ? (Long.compareUnsigned(a, b) <= 0 ? 1 : 0) : (Long.compareUnsigned(a, b) < 0 ? 1 : 0);
        } else {
            cf = (a - b - borrow) < 0 ? 1 : 0;
        }
        long f = szp(r, size) | cf | ((a ^ b ^ r) & AF);
        if (msb((a ^ b) & (a ^ r), size) != 0) {
            f |= OF;
        }
        setStatus(s, f);
        return r;
    }

    /** AND / OR / XOR / TEST result: CF = OF = 0; AF is undefined and cleared. */
    public static long logic(CpuState s, long r, int size) {
        r &= MASK[size];
        setStatus(s, szp(r, size));
        return r;
    }

    /** The eight classic ALU operations by their ModRM.reg / opcode-bits encoding. */
    public static long op(CpuState s, int op, long a, long b, int size) {
        switch (op) {
            case 0: return add(s, a, b, 0, size);
            case 1: return logic(s, a | b, size);
            case 2: return add(s, a, b, s.rflags & CF, size);
            case 3: return sub(s, a, b, s.rflags & CF, size);
            case 4: return logic(s, a & b, size);
            case 5: return sub(s, a, b, 0, size);
            case 6: return logic(s, a ^ b, size);
            default: sub(s, a, b, 0, size); return a & MASK[size];
        }
    }

    /** INC / DEC: like ADD/SUB 1 but CF is preserved. */
    public static long incDec(CpuState s, long a, boolean dec, int size) {
        long cf = s.rflags & CF;
        long r = dec ? sub(s, a, 1, 0, size) : add(s, a, 1, 0, size);
        s.rflags = (s.rflags & ~CF) | cf;
        return r;
    }

    /**
     * The shift/rotate group (C0/C1/D0-D3 by ModRM.reg: ROL ROR RCL RCR SHL SHR SAL SAR). The count
     * is masked to 5 bits (6 with a 64-bit operand); a masked count of zero changes nothing.
     * Flags the SDM leaves undefined (OF for counts above 1, AF) are given plausible values.
     */
    public static long shift(CpuState s, int op, long a, int count, int size) {
        long m = MASK[size];
        int bits = BITS[size];
        a &= m;
        count &= size == 8 ? 0x3F : 0x1F;
        if (count == 0) {
            return a;
        }
        long f = s.rflags;
        long r;
        switch (op) {
            case 0: { // ROL
                int c = count & (bits - 1);
                r = c == 0 ? a : ((a << c) | (a >>> (bits - c))) & m;
                long cf = r & 1;
                f = (f & ~(CF | OF)) | cf | ((msb(r, size) ^ cf) != 0 ? OF : 0);
                s.rflags = f;
                return r;
            }
            case 1: { // ROR
                int c = count & (bits - 1);
                r = c == 0 ? a : ((a >>> c) | (a << (bits - c))) & m;
                long cf = msb(r, size);
                long second = (r >>> (bits - 2)) & 1;
                f = (f & ~(CF | OF)) | cf | ((cf ^ second) != 0 ? OF : 0);
                s.rflags = f;
                return r;
            }
            case 2: { // RCL: rotate through CF, a (bits+1)-bit rotation
                int c = size <= 2 ? count % (bits + 1) : count;
                long cf = f & CF;
                r = a;
                for (int i = 0; i < c; i++) {
                    long out = msb(r, size);
                    r = ((r << 1) | cf) & m;
                    cf = out;
                }
                f = (f & ~(CF | OF)) | cf | ((msb(r, size) ^ cf) != 0 ? OF : 0);
                s.rflags = f;
                return r;
            }
            case 3: { // RCR
                int c = size <= 2 ? count % (bits + 1) : count;
                long cf = f & CF;
                r = a;
                // OF is defined for a count of 1: MSB(dest) XOR CF, taken before the rotation.
                long of = msb(a, size) ^ cf;
                for (int i = 0; i < c; i++) {
                    long out = r & 1;
                    r = (r >>> 1) | (cf << (bits - 1));
                    cf = out;
                }
                f = (f & ~(CF | OF)) | cf | (of != 0 ? OF : 0);
                s.rflags = f;
                return r;
            }
            case 4:
            case 6: { // SHL/SAL
                long cf = count <= bits ? (a >>> (bits - count)) & 1 : 0;
                r = count < 64 ? (a << count) & m : 0;
                long nf = szp(r, size) | cf | ((msb(r, size) ^ cf) != 0 ? OF : 0);
                s.rflags = (f & ~STATUS) | nf;
                return r;
            }
            case 5: { // SHR
                long cf = count <= bits ? (a >>> (count - 1)) & 1 : 0;
                r = count < 64 ? a >>> count : 0;
                r &= m;
                long nf = szp(r, size) | cf | (msb(a, size) != 0 ? OF : 0);
                s.rflags = (f & ~STATUS) | nf;
                return r;
            }
            default: { // SAR
                long sa = signExtend(a, size);
                int c = Math.min(count, 63);
                long cf = (sa >> (c - 1)) & 1;
                r = (sa >> c) & m;
                s.rflags = (f & ~STATUS) | szp(r, size) | cf;
                return r;
            }
        }
    }

    /**
     * SHLD ({@code left}) / SHRD: shifts {@code a} by {@code count} filling from {@code b}. For a
     * 16-bit operand and a count above 16 the result is undefined (SDM); this shifts through a
     * 32-bit concatenation the way current Intel parts appear to.
     */
    public static long doubleShift(CpuState s, boolean left, long a, long b, int count, int size) {
        long m = MASK[size];
        int bits = BITS[size];
        a &= m;
        b &= m;
        count &= size == 8 ? 0x3F : 0x1F;
        if (count == 0) {
            return a;
        }
        long r;
        long cf;
        if (size == 2) {
            // Shift through the 48-bit concatenation a:b:a, which also covers counts 17..31.
            if (left) {
                long x = (a << 32) | (b << 16) | a;
                r = (x >>> (32 - count)) & m;
                cf = (x >>> (48 - count)) & 1;
            } else {
                long x = a | (b << 16) | (a << 32);
                r = (x >>> count) & m;
                cf = (x >>> (count - 1)) & 1;
            }
        } else if (left) {
            r = ((a << count) | (count == bits ? b : b >>> (bits - count))) & m;
            cf = (a >>> (bits - count)) & 1;
        } else {
            r = ((a >>> count) | (b << (bits - count))) & m;
            cf = (a >>> (count - 1)) & 1;
        }
        long of = msb(r ^ a, size);
        s.rflags = (s.rflags & ~STATUS) | szp(r, size) | cf | (of != 0 ? OF : 0);
        return r;
    }

    /**
     * Two- and three-operand IMUL: the signed product truncated to {@code size}, with CF = OF set
     * when it does not fit, SF/ZF/PF from the truncated result and AF cleared (undefined in SDM
     * Vol. 2A, IMUL).
     */
    public static long imul(CpuState s, long a, long b, int size) {
        long sa = signExtend(a, size);
        long sb = signExtend(b, size);
        long p = sa * sb;
        boolean overflow;
        if (size == 8) {
            overflow = Math.multiplyHigh(sa, sb) != (p >> 63);
        } else {
            overflow = p != signExtend(p, size);
        }
        long lo = p & MASK[size];
        long f = szp(lo, size);
        if (overflow) {
            f |= CF | OF;
        }
        setStatus(s, f);
        return lo;
    }

    /** High 64 bits of the unsigned 128-bit product. */
    public static long unsignedMultiplyHigh(long a, long b) {
        return Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a);
    }

    /**
     * Unsigned 128/64 division {@code (hi:lo) / d}; returns the quotient and leaves the remainder
     * in {@code rem[0]}. The caller has checked {@code d != 0} and {@code hi < d} (no overflow).
     */
    public static long divideUnsigned128(long hi, long lo, long d, long[] rem) {
        if (hi == 0) {
            rem[0] = Long.remainderUnsigned(lo, d);
            return Long.divideUnsigned(lo, d);
        }
        long q = 0;
        long r = hi;
        for (int i = 63; i >= 0; i--) {
            long top = r >>> 63;
            r = (r << 1) | ((lo >>> i) & 1);
            q <<= 1;
            if (top != 0 || Long.compareUnsigned(r, d) >= 0) {
                r -= d;
                q |= 1;
            }
        }
        rem[0] = r;
        return q;
    }
}
