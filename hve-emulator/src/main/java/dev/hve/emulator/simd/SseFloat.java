package dev.hve.emulator.simd;

import static dev.hve.emulator.fpu.FloatCore.DE;
import static dev.hve.emulator.fpu.FloatCore.IE;
import static dev.hve.emulator.fpu.FloatCore.OE;
import static dev.hve.emulator.fpu.FloatCore.PE;
import static dev.hve.emulator.fpu.FloatCore.UE;
import static dev.hve.emulator.fpu.FloatCore.ZE;

import dev.hve.emulator.fpu.FloatCore;
import dev.hve.emulator.fpu.FpuState;

/**
 * SSE/SSE2 floating-point element operations under MXCSR (SDM Vol. 1 §10.2.3, §11.5): rounding
 * control, DAZ, FTZ, the six exception flags, and the SSE NaN rules (table 4-7, SIMD column: the
 * first source's NaN wins; an SNaN is quieted; invalid operations give the default QNaN). Elements
 * are binary32 (in the low 32 bits of a long) or binary64.
 *
 * <p>Flags accumulate over an instruction's elements in {@link #pre} (IE, DE, ZE: detected before
 * computing) and {@link #post} (OE, UE, PE); {@link #finish} applies SDM Vol. 1 §11.5.1's rule that
 * an unmasked exception leaves the destination unchanged and reports #XM.
 */
final class SseFloat {

    static final int ADD = 0;
    static final int SUB = 1;
    static final int MUL = 2;
    static final int DIV = 3;
    static final int MIN = 4;
    static final int MAX = 5;
    static final int SQRT = 6;

    private static final int C_ZERO = 0;
    private static final int C_FINITE = 1;
    private static final int C_DENORMAL = 2;
    private static final int C_INF = 3;
    private static final int C_QNAN = 4;
    private static final int C_SNAN = 5;

    private final FpuState f;
    private final FloatCore c = new FloatCore();

    int pre;
    int post;
    private int rc;
    private boolean daz;
    private boolean ftz;
    private int masks;

    SseFloat(FpuState f) {
        this.f = f;
    }

    /** Starts an instruction: snapshot of MXCSR control fields. */
    static Object sink;
    void begin() {
        sink = new long[2];
        pre = 0;
        post = 0;
        rc = f.mxcsrRc();
        daz = (f.mxcsr & FpuState.MXCSR_DAZ) != 0;
        ftz = (f.mxcsr & FpuState.MXCSR_FTZ) != 0;
        masks = f.mxcsrMasks();
    }

    /**
     * Ends an instruction: merges the flags into MXCSR and returns true when the destination may be
     * written. An unmasked pre-computation exception suppresses the post-computation flags
     * (SDM Vol. 1 §11.5.2).
     */
    boolean finish() {
        if ((pre & ~masks) != 0) {
            f.mxcsr |= pre;
            return false;
        }
        int all = pre | post;
        f.mxcsr |= all;
        return (all & ~masks) == 0;
    }

    // ---------------------------------------------------------------- classification

    private static int cls(long v, boolean dbl) {
        long e;
        long frac;
        long quietBit;
        if (dbl) {
            e = (v >>> 52) & 0x7FF;
            frac = v & 0xF_FFFF_FFFF_FFFFL;
            quietBit = 1L << 51;
            if (e == 0x7FF) {
                return frac == 0 ? C_INF : (frac & quietBit) != 0 ? C_QNAN : C_SNAN;
            }
        } else {
            e = (v >>> 23) & 0xFF;
            frac = v & 0x7F_FFFF;
            quietBit = 1L << 22;
            if (e == 0xFF) {
                return frac == 0 ? C_INF : (frac & quietBit) != 0 ? C_QNAN : C_SNAN;
            }
        }
        if (e == 0) {
            return frac == 0 ? C_ZERO : C_DENORMAL;
        }
        return C_FINITE;
    }

    private static boolean nan(int cl) {
        return cl == C_QNAN || cl == C_SNAN;
    }

    private static long quiet(long v, boolean dbl) {
        return v | (dbl ? 1L << 51 : 1L << 22);
    }

    private static long signBit(boolean dbl) {
        return dbl ? Long.MIN_VALUE : 0x8000_0000L;
    }

    private static long defaultNan(boolean dbl) {
        return dbl ? 0xFFF8_0000_0000_0000L : 0xFFC0_0000L;
    }

    private static long inf(boolean negative, boolean dbl) {
        return (negative ? signBit(dbl) : 0) | (dbl ? 0x7FF0_0000_0000_0000L : 0x7F80_0000L);
    }

    private static boolean negative(long v, boolean dbl) {
        return (v & signBit(dbl)) != 0;
    }

    /** DAZ turns denormal sources into zeros of the same sign before anything else (§10.2.3.4). */
    private long daz(long v, int cl, boolean dbl) {
        return cl == C_DENORMAL && daz ? v & signBit(dbl) : v;
    }

    private int clsDaz(int cl) {
        return cl == C_DENORMAL && daz ? C_ZERO : cl;
    }

    private void unpack(long v, boolean dbl) {
        if (dbl) {
            c.unpack64(v);
        } else {
            c.unpack32((int) v);
        }
    }

    /** Rounds FloatCore's exact result to the element format with MXCSR's controls. */
    private long roundPack(boolean dbl) {
        boolean um = (masks & UE) == 0;
        boolean om = (masks & OE) == 0;
        if (dbl) {
            c.round(FloatCore.P_DOUBLE, FloatCore.EMIN_DOUBLE, FloatCore.EMAX_DOUBLE, rc, um, om, ftz);
        } else {
            c.round(FloatCore.P_SINGLE, FloatCore.EMIN_SINGLE, FloatCore.EMAX_SINGLE, rc, um, om, ftz);
        }
        post |= c.flags;
        if ((um && (c.flags & UE) != 0) || (om && (c.flags & OE) != 0)) {
            return 0; // the destination will not be written
        }
        return dbl ? c.pack64() : c.pack32() & 0xFFFF_FFFFL;
    }

    // ---------------------------------------------------------------- arithmetic

    /** a op b for ADD/SUB/MUL/DIV/MIN/MAX; b only for SQRT. */
    long arith(int op, long a, long b, boolean dbl) {
        int before = pre;
        pre = 0;
        long r = arithElement(op, a, b, dbl);
        if ((pre & (IE | ZE)) != 0) {
            pre &= ~DE; // an invalid or divide-by-zero element reports no denormal operand (oracle host)
        }
        pre |= before;
        return r;
    }

    private long arithElement(int op, long a, long b, boolean dbl) {
        if (!dbl) {
            a &= 0xFFFF_FFFFL;
            b &= 0xFFFF_FFFFL;
        }
        if (op == SQRT) {
            return sqrt(b, dbl);
        }
        int ca0 = cls(a, dbl);
        int cb0 = cls(b, dbl);
        if (op == MIN || op == MAX) {
            return minMax(op, a, b, ca0, cb0, dbl);
        }
        if (nan(ca0) || nan(cb0)) {
            if (ca0 == C_SNAN || cb0 == C_SNAN) {
                pre |= IE;
            }
            return nan(ca0) ? quiet(a, dbl) : quiet(b, dbl);
        }
        if ((ca0 == C_DENORMAL || cb0 == C_DENORMAL) && !daz) {
            pre |= DE;
        }
        a = daz(a, ca0, dbl);
        b = daz(b, cb0, dbl);
        int ca = clsDaz(ca0);
        int cb = clsDaz(cb0);
        boolean sa = negative(a, dbl);
        boolean sb = negative(b, dbl);
        switch (op) {
            case ADD:
            case SUB:
                if (op == SUB) {
                    sb = !sb;
                }
                if (ca == C_INF || cb == C_INF) {
                    if (ca == C_INF && cb == C_INF && sa != sb) {
                        pre |= IE;
                        return defaultNan(dbl);
                    }
                    return inf(ca == C_INF ? sa : sb, dbl);
                }
                unpack(a, dbl);
                boolean usa = sa;
                int ea = c.uExp;
                long ma = c.uSig;
                unpack(b, dbl);
                c.add(usa, ea, ma, sb, c.uExp, c.uSig, rc);
                return roundPack(dbl);
            case MUL:
                if (ca == C_INF || cb == C_INF) {
                    if (ca == C_ZERO || cb == C_ZERO) {
                        pre |= IE;
                        return defaultNan(dbl);
                    }
                    return inf(sa != sb, dbl);
                }
                break;
            default: // DIV
                if (ca == C_INF) {
                    if (cb == C_INF) {
                        pre |= IE;
                        return defaultNan(dbl);
                    }
                    return inf(sa != sb, dbl);
                }
                if (cb == C_INF) {
                    return sa != sb ? signBit(dbl) : 0;
                }
                if (cb == C_ZERO) {
                    if (ca == C_ZERO) {
                        pre |= IE;
                        return defaultNan(dbl);
                    }
                    pre |= ZE;
                    return inf(sa != sb, dbl);
                }
                break;
        }
        unpack(a, dbl);
        int ea = c.uExp;
        long ma = c.uSig;
        unpack(b, dbl);
        if (op == MUL) {
            c.mul(sa, ea, ma, sb, c.uExp, c.uSig);
        } else {
            c.div(sa, ea, ma, sb, c.uExp, c.uSig);
        }
        return roundPack(dbl);
    }

    private long sqrt(long b, boolean dbl) {
        int cb0 = cls(b, dbl);
        if (nan(cb0)) {
            if (cb0 == C_SNAN) {
                pre |= IE;
            }
            return quiet(b, dbl);
        }
        if (cb0 == C_DENORMAL && !daz) {
            pre |= DE;
        }
        b = daz(b, cb0, dbl);
        int cb = clsDaz(cb0);
        if (cb == C_ZERO) {
            return b;
        }
        if (negative(b, dbl)) {
            pre |= IE;
            return defaultNan(dbl);
        }
        if (cb == C_INF) {
            return b;
        }
        unpack(b, dbl);
        c.sqrt(c.uExp, c.uSig);
        return roundPack(dbl);
    }

    /**
     * MINPS/MAXPS and friends: a NaN in either source (QNaN included) raises #IA and returns the
     * second source; so do two zeros of any sign (SDM Vol. 2 MAXPS/MINPS "MAX(SRC1, SRC2)").
     */
    private long minMax(int op, long a, long b, int ca0, int cb0, boolean dbl) {
        if (nan(ca0) || nan(cb0)) {
            pre |= IE;
            return daz(b, cb0, dbl); // the second source, after DAZ (oracle host)
        }
        if ((ca0 == C_DENORMAL || cb0 == C_DENORMAL) && !daz) {
            pre |= DE;
        }
        long da = daz(a, ca0, dbl);
        long db = daz(b, cb0, dbl);
        int cmp = compareOrdered(da, db, dbl);
        if (cmp == 0) {
            return db;
        }
        boolean pickA = op == MIN ? cmp < 0 : cmp > 0;
        return pickA ? da : db;
    }

    /** Compares two non-NaN values (-0 == +0). */
    private static int compareOrdered(long a, long b, boolean dbl) {
        long mag = dbl ? Long.MAX_VALUE : 0x7FFF_FFFFL;
        long ma = a & mag;
        long mb = b & mag;
        if (ma == 0 && mb == 0) {
            return 0;
        }
        boolean sa = negative(a, dbl);
        boolean sb = negative(b, dbl);
        if (sa != sb) {
            return sa ? -1 : 1;
        }
        int m = Long.compare(ma, mb);
        return sa ? -m : m;
    }

    // ---------------------------------------------------------------- compares

    /**
     * CMPPS/CMPPD/CMPSS/CMPSD predicate imm8[2:0]: EQ, LT, LE, UNORD, NEQ, NLT, NLE, ORD. LT/LE and
     * their negations signal on QNaN; the others only on SNaN (SDM Vol. 2 CMPPS table 3-1).
     */
    long compare(int predicate, long a, long b, boolean dbl) {
        if (!dbl) {
            a &= 0xFFFF_FFFFL;
            b &= 0xFFFF_FFFFL;
        }
        int ca = cls(a, dbl);
        int cb = cls(b, dbl);
        boolean unordered = nan(ca) || nan(cb);
        boolean signaling = predicate == 1 || predicate == 2 || predicate == 5 || predicate == 6;
        if (ca == C_SNAN || cb == C_SNAN || (unordered && signaling)) {
            pre |= IE;
        }
        if (!unordered && (ca == C_DENORMAL || cb == C_DENORMAL) && !daz) {
            pre |= DE;
        }
        boolean r;
        if (unordered) {
            r = predicate == 3 || predicate == 4 || predicate == 5 || predicate == 6;
        } else {
            int cmp = compareOrdered(daz(a, ca, dbl), daz(b, cb, dbl), dbl);
            switch (predicate) {
                case 0: r = cmp == 0; break;
                case 1: r = cmp < 0; break;
                case 2: r = cmp <= 0; break;
                case 3: r = false; break;
                case 4: r = cmp != 0; break;
                case 5: r = cmp >= 0; break;
                case 6: r = cmp > 0; break;
                default: r = true; break;
            }
        }
        return r ? (dbl ? -1L : 0xFFFF_FFFFL) : 0;
    }

    /**
     * COMISS/UCOMISS/COMISD/UCOMISD: ZF,PF,CF = 111 unordered, 000 greater, 001 less, 100 equal;
     * OF, SF, AF cleared. COMIS* signal on QNaN, UCOMIS* only on SNaN. Returns the new RFLAGS
     * status bits (to be merged by the caller).
     */
    long comis(long a, long b, boolean dbl, boolean signalQnan) {
        if (!dbl) {
            a &= 0xFFFF_FFFFL;
            b &= 0xFFFF_FFFFL;
        }
        int ca = cls(a, dbl);
        int cb = cls(b, dbl);
        if (nan(ca) || nan(cb)) {
            if (ca == C_SNAN || cb == C_SNAN || signalQnan) {
                pre |= IE;
            }
            return 0x45;
        }
        if ((ca == C_DENORMAL || cb == C_DENORMAL) && !daz) {
            pre |= DE;
        }
        int cmp = compareOrdered(daz(a, ca, dbl), daz(b, cb, dbl), dbl);
        return cmp == 0 ? 0x40 : cmp < 0 ? 1 : 0;
    }

    // ---------------------------------------------------------------- conversions

    /** CVTSS2SD/CVTPS2PD: exact widening; SNaN -> IE and quieted; denormal -> DE (SDM Vol. 2 CVTSS2SD). */
    long singleToDouble(long a) {
        a &= 0xFFFF_FFFFL;
        int ca = cls(a, false);
        long sign = (a & 0x8000_0000L) << 32;
        if (nan(ca)) {
            if (ca == C_SNAN) {
                pre |= IE;
            }
            return sign | 0x7FF8_0000_0000_0000L | ((a & 0x3F_FFFFL) << 29);
        }
        if (ca == C_INF) {
            return sign | 0x7FF0_0000_0000_0000L;
        }
        if (ca == C_DENORMAL) {
            if (daz) {
                return sign;
            }
            pre |= DE;
        }
        if (ca == C_ZERO) {
            return sign;
        }
        c.unpack32((int) a);
        c.load(c.uSign, c.uExp, c.uSig);
        return roundPack(true);
    }

    /** CVTSD2SS/CVTPD2PS: rounding narrowing with OE/UE/PE (SDM Vol. 2 CVTSD2SS). */
    long doubleToSingle(long a) {
        int ca = cls(a, true);
        long sign = (a >>> 32) & 0x8000_0000L;
        if (nan(ca)) {
            if (ca == C_SNAN) {
                pre |= IE;
            }
            return sign | 0x7FC0_0000L | ((a >>> 29) & 0x3F_FFFFL);
        }
        if (ca == C_INF) {
            return sign | 0x7F80_0000L;
        }
        if (ca == C_DENORMAL) {
            if (daz) {
                return sign;
            }
            pre |= DE;
        }
        if (ca == C_ZERO) {
            return sign;
        }
        c.unpack64(a);
        c.load(c.uSign, c.uExp, c.uSig);
        return roundPack(false);
    }

    /** CVTSI2SS/CVTSI2SD/CVTDQ2PS/CVTDQ2PD: signed integer to float, rounded per MXCSR.RC. */
    long fromInteger(long v, boolean dbl) {
        c.fromLong(v);
        return roundPack(dbl);
    }

    /**
     * CVT(T)SS2SI, CVT(T)SD2SI, CVT(T)PS2DQ, CVT(T)PD2DQ: to a signed integer of {@code bits};
     * NaN, infinity and out-of-range give IE and the integer indefinite 80..0h (SDM Vol. 1 §4.8.3.7;
     * Vol. 2 CVTSS2SI). Denormal sources do not raise DE here (the SDM lists only #I and #P).
     */
    long toInteger(long a, boolean dbl, int bits, boolean truncate) {
        if (!dbl) {
            a &= 0xFFFF_FFFFL;
        }
        int ca = cls(a, dbl);
        long indefinite = bits == 64 ? Long.MIN_VALUE : 0x8000_0000L;
        if (nan(ca) || ca == C_INF) {
            pre |= IE;
            return indefinite;
        }
        if (ca == C_ZERO || (ca == C_DENORMAL && daz)) {
            return 0;
        }
        unpack(a, dbl);
        c.roundToInteger(c.uSign, c.uExp, c.uSig, truncate ? FloatCore.RC_ZERO : rc);
        long m = c.intMagnitude;
        long limit = 1L << (bits - 1); // as unsigned for bits == 64
        boolean fits = !c.intOverflow && (c.uSign ? Long.compareUnsigned(m, limit) <= 0 : Long.compareUnsigned(m, limit) < 0);
        if (!fits) {
            pre |= IE;
            return indefinite;
        }
        if (c.intInexact) {
            post |= PE;
        }
        long r = c.uSign ? -m : m;
        return bits == 64 ? r : r & 0xFFFF_FFFFL;
    }

    // ---------------------------------------------------------------- approximations

    /**
     * RCPSS/RCPPS (rsqrt=false) and RSQRTSS/RSQRTPS: approximations with relative error at most
     * 1.5 * 2^-12 (SDM Vol. 2 RCPPS/RSQRTPS). They ignore MXCSR and raise no flags; denormal sources
     * count as zeros of their sign. The result here is the exact value rounded to 12 significant bits,
     * which is within the documented bound (not bit-identical to any particular processor's table).
     */
    static long approx(long a, boolean rsqrt) {
        int bits = (int) a;
        int e = (bits >>> 23) & 0xFF;
        int frac = bits & 0x7F_FFFF;
        boolean neg = bits < 0;
        if (e == 0xFF) {
            if (frac != 0) {
                return (bits | 0x40_0000) & 0xFFFF_FFFFL;
            }
            if (rsqrt && neg) {
                return 0xFFC0_0000L;
            }
            return neg ? 0x8000_0000L : 0;
        }
        if (e == 0) {
            return (neg ? 0xFF80_0000L : 0x7F80_0000L);
        }
        if (rsqrt && neg) {
            return 0xFFC0_0000L;
        }
        double x = Float.intBitsToFloat(bits);
        double r = rsqrt ? 1.0 / Math.sqrt(x) : 1.0 / x;
        long d = Double.doubleToRawLongBits(r);
        d = (d + (1L << 40)) & ~((1L << 41) - 1); // keep 11 fraction bits, rounded
        float result = (float) Double.longBitsToDouble(d);
        if (Math.abs(result) < Float.MIN_NORMAL) {
            return neg ? 0x8000_0000L : 0; // tiny results are flushed to zero
        }
        return Float.floatToRawIntBits(result) & 0xFFFF_FFFFL;
    }
}
