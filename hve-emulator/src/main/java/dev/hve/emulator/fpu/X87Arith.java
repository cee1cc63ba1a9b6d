package dev.hve.emulator.fpu;

import static dev.hve.emulator.fpu.FloatCore.DE;
import static dev.hve.emulator.fpu.FloatCore.IE;
import static dev.hve.emulator.fpu.FloatCore.OE;
import static dev.hve.emulator.fpu.FloatCore.UE;
import static dev.hve.emulator.fpu.FloatCore.ZE;

/**
 * x87 numeric operations on double-extended values held as (sign/exponent word, significand):
 * operand classes, the x87 NaN rules, invalid-operation and divide-by-zero cases, the masked
 * responses, and rounding by FCW.PC/RC through {@link FloatCore}. Results land in {@link #rSe} /
 * {@link #rSig}; raised flags accumulate in {@link #exc}; the unit commits them.
 */
final class X87Arith {

    static final int CL_ZERO = 0;
    static final int CL_NORMAL = 1;
    static final int CL_DENORMAL = 2;
    static final int CL_INF = 3;
    static final int CL_QNAN = 4;
    static final int CL_SNAN = 5;
    static final int CL_UNSUPPORTED = 6;

    /** The real indefinite QNaN (SDM Vol. 1 table 4-3 / §4.8.3.7). */
    static final int INDEF_SE = 0xFFFF;
    static final long INDEF_SIG = 0xC000_0000_0000_0000L;
    static final long QUIET = 0x4000_0000_0000_0000L;

    static final int OP_ADD = 0;
    static final int OP_SUB = 1;
    static final int OP_MUL = 2;
    static final int OP_DIV = 3;

    final FpuState f;
    final FloatCore c = new FloatCore();

    int rSe;
    long rSig;
    /** Flags raised by the operation in progress (FSW bits 5:0). */
    int exc;
    /** The result was rounded up in magnitude: FSW.C1 (SDM Vol. 1 §8.1.3.1). */
    boolean c1;

    X87Arith(FpuState f) {
        this.f = f;
    }

    /**
     * Operand classes (SDM Vol. 1 §8.2.2, table 8-3). Unnormals, pseudo-NaNs and pseudo-infinities
     * (integer bit clear with a nonzero exponent) are unsupported formats since the 387 and raise
     * #IA (§8.2.2).
     */
    static int classify(int se, long sig) {
        int e = se & 0x7FFF;
        if (e == 0) {
            return sig == 0 ? CL_ZERO : CL_DENORMAL;
        }
        if (sig >= 0) {
            return CL_UNSUPPORTED;
        }
        if (e == 0x7FFF) {
            if (sig == Long.MIN_VALUE) {
                return CL_INF;
            }
            return (sig & QUIET) != 0 ? CL_QNAN : CL_SNAN;
        }
        return CL_NORMAL;
    }

    static boolean isNan(int cl) {
        return cl == CL_QNAN || cl == CL_SNAN;
    }

    boolean masked(int flag) {
        return (f.fcw & flag) != 0;
    }

    private void indefinite() {
        rSe = INDEF_SE;
        rSig = INDEF_SIG;
    }

    /**
     * Sets the result for an operation with a NaN operand (SDM Vol. 1 table 4-7, x87 column): a
     * QNaN beats an SNaN; between two of a kind, the larger significand wins; an SNaN is quieted.
     */
    private void nanResult(int ca, int aSe, long aSig, int cb, int bSe, long bSig) {
        if (ca == CL_SNAN || cb == CL_SNAN) {
            exc |= IE;
        }
        boolean pickA;
        if (!isNan(cb)) {
            pickA = true;
        } else if (!isNan(ca)) {
            pickA = false;
        } else if (ca != cb) {
            pickA = ca == CL_QNAN;
        } else {
            long ma = aSig & ~QUIET;
            long mb = bSig & ~QUIET;
            int cmp = Long.compareUnsigned(ma, mb);
            pickA = cmp > 0 || (cmp == 0 && (aSe & 0x8000) == 0);
        }
        rSe = pickA ? aSe : bSe;
        rSig = (pickA ? aSig : bSig) | QUIET;
    }

    /**
     * Pre-computation checks shared by the arithmetic operations. Returns true when the result is
     * already decided (NaN, unsupported operand), false when the operation must go on.
     */
    private boolean specialOperands(int ca, int aSe, long aSig, int cb, int bSe, long bSig) {
        if (ca == CL_UNSUPPORTED || cb == CL_UNSUPPORTED) {
            exc |= IE;
            indefinite();
            return true;
        }
        if (isNan(ca) || isNan(cb)) {
            exc &= ~DE; // a NaN operand hides a denormal memory operand (oracle host)
            nanResult(ca, aSe, aSig, cb, bSe, bSig);
            return true;
        }
        return false;
    }

    /**
     * a op b rounded per FCW (SDM Vol. 2 FADD/FSUB/FMUL/FDIV, "FADD/FADDP/FIADD results" tables).
     * Returns false when an unmasked pre-computation exception (#IA, #D, #Z) forbids storing.
     */
    boolean arith(int op, int aSe, long aSig, int bSe, long bSig) {
        int ca = classify(aSe, aSig);
        int cb = classify(bSe, bSig);
        boolean sa = (aSe & 0x8000) != 0;
        boolean sb = (bSe & 0x8000) != 0;
        if (op == OP_SUB) {
            sb = !sb;
        }
        if (specialOperands(ca, aSe, aSig, cb, bSe, bSig)) {
            return storeAllowed();
        }
        switch (op) {
            case OP_ADD:
            case OP_SUB:
                if (ca == CL_INF && cb == CL_INF) {
                    if (sa != sb) {
                        exc |= IE;
                        indefinite();
                    } else {
                        setInf(sa);
                    }
                    return storeAllowed();
                }
                if (ca == CL_INF || cb == CL_INF) {
                    denormalCheck(ca, cb);
                    setInf(ca == CL_INF ? sa : sb);
                    return storeAllowed();
                }
                break;
            case OP_MUL:
                if ((ca == CL_INF && cb == CL_ZERO) || (ca == CL_ZERO && cb == CL_INF)) {
                    exc |= IE;
                    indefinite();
                    return storeAllowed();
                }
                if (ca == CL_INF || cb == CL_INF) {
                    denormalCheck(ca, cb);
                    setInf(sa != sb);
                    return storeAllowed();
                }
                break;
            default: // OP_DIV
                if ((ca == CL_INF && cb == CL_INF) || (ca == CL_ZERO && cb == CL_ZERO)) {
                    exc |= IE;
                    indefinite();
                    return storeAllowed();
                }
                if (ca == CL_INF) {
                    denormalCheck(ca, cb);
                    setInf(sa != sb);
                    return storeAllowed();
                }
                if (cb == CL_INF) {
                    denormalCheck(ca, cb);
                    rSe = (sa != sb) ? 0x8000 : 0;
                    rSig = 0;
                    return storeAllowed();
                }
                if (cb == CL_ZERO) {
                    denormalCheck(ca, cb);
                    exc |= ZE;
                    setInf(sa != sb);
                    return storeAllowed();
                }
                break;
        }
        denormalCheck(ca, cb);
        if (!storeAllowed()) {
            return false;
        }
        c.unpack80(aSe, aSig);
        int ea = c.uExp;
        long ma = c.uSig;
        c.unpack80(bSe, bSig);
        int rc = f.rc();
        switch (op) {
            case OP_ADD:
            case OP_SUB:
                c.add(sa, ea, ma, sb, c.uExp, c.uSig, rc);
                break;
            case OP_MUL:
                c.mul(sa, ea, ma, sb, c.uExp, c.uSig);
                break;
            default:
                c.div(sa, ea, ma, sb, c.uExp, c.uSig);
                break;
        }
        roundResult(f.precision());
        return true;
    }

    /** FSQRT (SDM Vol. 2 FSQRT results table): -0 stays -0, negatives raise #IA. */
    boolean sqrt(int aSe, long aSig) {
        int ca = classify(aSe, aSig);
        if (specialOperands(ca, aSe, aSig, CL_ZERO, 0, 0)) {
            return storeAllowed();
        }
        boolean neg = (aSe & 0x8000) != 0;
        if (ca == CL_ZERO) {
            rSe = aSe;
            rSig = 0;
            return true;
        }
        if (neg) {
            exc |= IE;
            indefinite();
            return storeAllowed();
        }
        if (ca == CL_INF) {
            setInf(false);
            return true;
        }
        denormalCheck(ca, CL_ZERO);
        if (!storeAllowed()) {
            return false;
        }
        c.unpack80(aSe, aSig);
        c.sqrt(c.uExp, c.uSig);
        roundResult(f.precision());
        return true;
    }

    /** Rounds {@link FloatCore}'s exact result into rSe/rSig, applying the x87 bias adjust when unmasked. */
    void roundResult(int precision) {
        boolean um = !masked(UE);
        boolean om = !masked(OE);
        boolean sign = c.sign;
        c.round(precision, FloatCore.EMIN_EXTENDED, FloatCore.EMAX_EXTENDED, f.rc(), um, om, false);
        if (c.kind == FloatCore.K_FINITE && (um && (c.flags & UE) != 0 || om && (c.flags & OE) != 0)) {
            // SDM Vol. 1 §8.5.4/§8.5.5: an unmasked overflow (underflow) with a register destination
            // delivers the rounded result with its exponent reduced (increased) by 24576.
            int e = c.exp + ((c.flags & OE) != 0 ? -24576 : 24576);
            if (e >= FloatCore.EMIN_EXTENDED && e <= FloatCore.EMAX_EXTENDED) {
                exc |= c.flags;
                c1 = c.roundedUp && (c.flags & FloatCore.PE) != 0;
                rSe = (c.sign ? 0x8000 : 0) | (e + 16383);
                rSig = c.sig;
                return;
            }
            // Still out of range after the bias adjustment (only FSCALE gets here): the oracle host
            // delivers a signed infinity (overflow, C1=1) or a signed zero (underflow, C1=0) whatever
            // the rounding control, with PE, and the exception stays flagged.
            boolean over = (c.flags & OE) != 0;
            exc |= (over ? OE : UE) | FloatCore.PE;
            c1 = over;
            rSe = (sign ? 0x8000 : 0) | (over ? 0x7FFF : 0);
            rSig = over ? Long.MIN_VALUE : 0;
            return;
        }
        exc |= c.flags;
        c1 = c.roundedUp && (c.flags & FloatCore.PE) != 0;
        rSe = c.packSe80();
        rSig = c.packSig80();
    }

    private void setInf(boolean negative) {
        rSe = negative ? 0xFFFF : 0x7FFF;
        rSig = Long.MIN_VALUE;
    }

    private void denormalCheck(int ca, int cb) {
        if (ca == CL_DENORMAL || cb == CL_DENORMAL) {
            exc |= DE;
        }
    }

    /**
     * False when a raised pre-computation exception is unmasked: the destination is left unchanged.
     * An operation that is invalid or divides by zero does not also report a denormal operand
     * (observed on the oracle host for both x87 and SSE; consistent with SDM Vol. 1 §4.9.2's priority).
     */
    boolean storeAllowed() {
        if ((exc & (IE | ZE)) != 0) {
            exc &= ~DE;
        }
        return (exc & (IE | DE | ZE) & ~f.fcw) == 0;
    }

    // ============================================================ compares

    static final int CMP_GT = 0;
    static final int CMP_LT = 1;
    static final int CMP_EQ = 2;
    static final int CMP_UNORDERED = 3;

    /**
     * Compares a with b (FCOM/FUCOM/FCOMI/FTST/FICOM): QNaN operands raise #IA only when
     * {@code signalQnan} (FCOM family) and always for SNaNs and unsupported formats (SDM Vol. 2 FCOM,
     * FUCOM). Returns one of CMP_*.
     */
    int compare(int aSe, long aSig, int bSe, long bSig, boolean signalQnan) {
        int ca = classify(aSe, aSig);
        int cb = classify(bSe, bSig);
        if (ca == CL_UNSUPPORTED || cb == CL_UNSUPPORTED || ca == CL_SNAN || cb == CL_SNAN) {
            exc = (exc | IE) & ~DE;
            return CMP_UNORDERED;
        }
        if (isNan(ca) || isNan(cb)) {
            exc &= ~DE; // a NaN operand hides a denormal memory operand (oracle host)
            if (signalQnan) {
                exc |= IE;
            }
            return CMP_UNORDERED;
        }
        denormalCheck(ca, cb);
        return compareOrdered(aSe, aSig, ca, bSe, bSig, cb);
    }

    private int compareOrdered(int aSe, long aSig, int ca, int bSe, long bSig, int cb) {
        if (ca == CL_ZERO && cb == CL_ZERO) {
            return CMP_EQ;
        }
        boolean sa = (aSe & 0x8000) != 0;
        boolean sb = (bSe & 0x8000) != 0;
        if (sa != sb) {
            return sa ? CMP_LT : CMP_GT;
        }
        int mag;
        if (ca == CL_INF || cb == CL_INF) {
            mag = ca == cb ? 0 : ca == CL_INF ? 1 : -1;
        } else if (ca == CL_ZERO || cb == CL_ZERO) {
            mag = ca == CL_ZERO ? -1 : 1;
        } else {
            c.unpack80(aSe, aSig);
            int ea = c.uExp;
            long ma = c.uSig;
            c.unpack80(bSe, bSig);
            mag = ea != c.uExp ? Integer.compare(ea, c.uExp) : Long.compareUnsigned(ma, c.uSig);
        }
        if (mag == 0) {
            return CMP_EQ;
        }
        return (mag > 0) != sa ? CMP_GT : CMP_LT;
    }

    // ============================================================ conversions in

    /** Loads binary32 bits as double-extended (exact), raising #IA for an SNaN and #D for a denormal (FLD m32). */
    void fromSingle(int bits) {
        int e = (bits >>> 23) & 0xFF;
        int frac = bits & 0x7F_FFFF;
        int s = bits < 0 ? 0x8000 : 0;
        if (e == 0xFF) {
            rSe = s | 0x7FFF;
            rSig = Long.MIN_VALUE | ((long) frac << 40);
            if (frac != 0 && (frac & 0x40_0000) == 0) {
                exc |= IE;
                rSig |= QUIET;
            }
            return;
        }
        if (e == 0 && frac != 0) {
            exc |= DE;
        }
        c.unpack32(bits);
        setUnpacked();
    }

    /** As {@link #fromSingle} for binary64 (FLD m64). */
    void fromDouble(long bits) {
        int e = (int) (bits >>> 52) & 0x7FF;
        long frac = bits & 0xF_FFFF_FFFF_FFFFL;
        int s = bits < 0 ? 0x8000 : 0;
        if (e == 0x7FF) {
            rSe = s | 0x7FFF;
            rSig = Long.MIN_VALUE | (frac << 11);
            if (frac != 0 && (frac & 0x8_0000_0000_0000L) == 0) {
                exc |= IE;
                rSig |= QUIET;
            }
            return;
        }
        if (e == 0 && frac != 0) {
            exc |= DE;
        }
        c.unpack64(bits);
        setUnpacked();
    }

    /** As a memory operand of an arithmetic instruction: same conversion, but an SNaN stays signaling so the operation reports it. */
    void operandSingle(int bits) {
        int save = exc;
        fromSingle(bits);
        if ((bits & 0x7F80_0000) == 0x7F80_0000 && (bits & 0x7F_FFFF) != 0 && (bits & 0x40_0000) == 0) {
            exc = save;
            rSig &= ~QUIET;
        }
    }

    void operandDouble(long bits) {
        int save = exc;
        fromDouble(bits);
        if ((bits & 0x7FF0_0000_0000_0000L) == 0x7FF0_0000_0000_0000L && (bits & 0xF_FFFF_FFFF_FFFFL) != 0
            && (bits & 0x8_0000_0000_0000L) == 0) {
            exc = save;
            rSig &= ~QUIET;
        }
    }

    /** Signed integer to double-extended: always exact (SDM Vol. 2 FILD). */
    void fromInteger(long v) {
        c.fromLong(v);
        if (c.hi == 0) {
            rSe = 0;
            rSig = 0;
            return;
        }
        rSe = (c.sign ? 0x8000 : 0) | (c.exp + 16383);
        rSig = c.hi;
    }

    private void setUnpacked() {
        int s = c.uSign ? 0x8000 : 0;
        if (c.uSig == 0) {
            rSe = s;
            rSig = 0;
            return;
        }
        rSe = s | (c.uExp + 16383);
        rSig = c.uSig;
    }

    // ============================================================ conversions out

    /** Result of a store conversion to memory. */
    long outBits;

    /**
     * Converts to binary32 (single) or binary64 for FST/FSTP m32/m64, rounding per FCW.RC (PC does
     * not apply to stores). Returns false when an unmasked exception forbids the store: #IA, or
     * #O/#U with a memory destination (SDM Vol. 1 §8.5.4, §8.5.5).
     */
    boolean toFloat(int aSe, long aSig, boolean isDouble) {
        int ca = classify(aSe, aSig);
        long sign = (aSe & 0x8000) != 0 ? 1 : 0;
        switch (ca) {
            case CL_UNSUPPORTED:
                exc |= IE;
                outBits = isDouble ? 0xFFF8_0000_0000_0000L : 0xFFC0_0000L;
                return storeAllowed();
            case CL_SNAN:
            case CL_QNAN:
                if (ca == CL_SNAN) {
                    exc |= IE;
                }
                long q = aSig | QUIET;
                outBits = isDouble ? (sign << 63) | 0x7FF0_0000_0000_0000L | ((q << 1) >>> 12)
                    : (sign << 31) | 0x7F80_0000L | ((q << 1) >>> 41);
                return storeAllowed();
            case CL_INF:
                outBits = isDouble ? (sign << 63) | 0x7FF0_0000_0000_0000L : (sign << 31) | 0x7F80_0000L;
                return true;
            case CL_ZERO:
                outBits = isDouble ? sign << 63 : sign << 31;
                return true;
            default:
                break;
        }
        c.unpack80(aSe, aSig);
        c.load(c.uSign, c.uExp, c.uSig);
        boolean um = !masked(UE);
        boolean om = !masked(OE);
        if (isDouble) {
            c.round(FloatCore.P_DOUBLE, FloatCore.EMIN_DOUBLE, FloatCore.EMAX_DOUBLE, f.rc(), um, om, false);
        } else {
            c.round(FloatCore.P_SINGLE, FloatCore.EMIN_SINGLE, FloatCore.EMAX_SINGLE, f.rc(), um, om, false);
        }
        if ((um && (c.flags & UE) != 0) || (om && (c.flags & OE) != 0)) {
            // Memory destination: nothing is stored and only #O/#U is reported (oracle host; SDM Vol. 1 §8.5.4).
            exc |= c.flags & (UE | OE);
            return false;
        }
        exc |= c.flags;
        c1 = c.roundedUp && (c.flags & FloatCore.PE) != 0;
        outBits = isDouble ? c.pack64() : c.pack32() & 0xFFFF_FFFFL;
        return true;
    }

    /**
     * Converts to a signed integer of {@code bits} (16, 32, 64) for FIST/FISTP (rc from FCW) and
     * FISTTP (truncate). NaN, infinity, unsupported or out-of-range raise #IA and give the integer
     * indefinite, 1 followed by zeros (SDM Vol. 2 FIST, table "FIST/FISTP results").
     */
    boolean toInteger(int aSe, long aSig, int bits, boolean truncate) {
        int ca = classify(aSe, aSig);
        long indefinite = 1L << (bits - 1);
        if (ca == CL_UNSUPPORTED || isNan(ca) || ca == CL_INF) {
            exc |= IE;
            outBits = indefinite;
            return storeAllowed();
        }
        if (ca == CL_ZERO) {
            outBits = 0;
            return true;
        }
        c.unpack80(aSe, aSig);
        c.roundToInteger(c.uSign, c.uExp, c.uSig, truncate ? FloatCore.RC_ZERO : f.rc());
        long m = c.intMagnitude;
        boolean fits = !c.intOverflow && (c.uSign ? Long.compareUnsigned(m, indefinite) <= 0
            : Long.compareUnsigned(m, indefinite) < 0);
        if (bits == 64 && !c.intOverflow) {
            fits = c.uSign ? Long.compareUnsigned(m, Long.MIN_VALUE) <= 0 : m >= 0;
        }
        if (!fits) {
            exc |= IE;
            outBits = indefinite;
            return storeAllowed();
        }
        if (c.intInexact) {
            exc |= FloatCore.PE;
            c1 = Long.compareUnsigned(m, c.uExp >= 0 && c.uExp < 64 ? c.uSig >>> (63 - c.uExp) : 0) > 0;
        }
        outBits = c.uSign ? -m : m;
        return true;
    }

    /** FRNDINT: round ST(0) to an integral value per FCW.RC; PE when inexact (SDM Vol. 2 FRNDINT). */
    boolean roundToIntegral(int aSe, long aSig) {
        int ca = classify(aSe, aSig);
        if (specialOperands(ca, aSe, aSig, CL_ZERO, 0, 0)) {
            return storeAllowed();
        }
        if (ca == CL_ZERO || ca == CL_INF) {
            rSe = aSe;
            rSig = aSig;
            return true;
        }
        denormalCheck(ca, CL_ZERO);
        if (!storeAllowed()) {
            return false;
        }
        c.unpack80(aSe, aSig);
        if (c.uExp >= 63) {
            rSe = aSe;
            rSig = aSig;
            return true;
        }
        c.roundToInteger(c.uSign, c.uExp, c.uSig, f.rc());
        if (c.intInexact) {
            exc |= FloatCore.PE;
            long trunc = c.uExp >= 0 ? c.uSig >>> (63 - c.uExp) : 0;
            c1 = c.intMagnitude != trunc;
        }
        long m = c.intMagnitude;
        if (m == 0) {
            rSe = aSe & 0x8000;
            rSig = 0;
            return true;
        }
        int s = Long.numberOfLeadingZeros(m);
        rSe = (aSe & 0x8000) | (63 - s + 16383);
        rSig = m << s;
        return true;
    }

    /** FSCALE: ST(0) * 2^trunc(ST(1)) (SDM Vol. 2 FSCALE results table). */
    boolean scale(int aSe, long aSig, int bSe, long bSig) {
        int ca = classify(aSe, aSig);
        int cb = classify(bSe, bSig);
        if (specialOperands(ca, aSe, aSig, cb, bSe, bSig)) {
            return storeAllowed();
        }
        boolean sb = (bSe & 0x8000) != 0;
        if (cb == CL_INF) {
            if ((ca == CL_ZERO && !sb) || (ca == CL_INF && sb)) {
                exc |= IE;
                indefinite();
                return storeAllowed();
            }
            denormalCheck(ca, CL_ZERO);
            if (sb) {
                rSe = aSe & 0x8000;
                rSig = 0;
            } else {
                rSe = ca == CL_ZERO ? aSe : (aSe & 0x8000) | 0x7FFF;
                rSig = ca == CL_ZERO ? 0 : Long.MIN_VALUE;
            }
            return storeAllowed();
        }
        denormalCheck(ca, cb);
        if (!storeAllowed()) {
            return false;
        }
        if (ca == CL_ZERO || ca == CL_INF) {
            rSe = aSe;
            rSig = aSig;
            return true;
        }
        c.unpack80(bSe, bSig);
        long n;
        if (c.uSig == 0 || c.uExp < 0) {
            n = 0;
        } else if (c.uExp >= 30) {
            n = sb ? -(1L << 30) : (1L << 30);
        } else {
            n = c.uSig >>> (63 - c.uExp);
            n = sb ? -n : n;
        }
        c.unpack80(aSe, aSig);
        c.load(c.uSign, (int) (c.uExp + n), c.uSig);
        roundResult(FloatCore.P_EXTENDED);
        return true;
    }
}
