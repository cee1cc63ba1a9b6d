package dev.hve.emulator.fpu;

import static dev.hve.emulator.fpu.FloatCore.DE;
import static dev.hve.emulator.fpu.FloatCore.IE;

/**
 * FPREM (truncating quotient) and FPREM1 (IEEE remainder, quotient rounded to nearest even): SDM
 * Vol. 2 FPREM/FPREM1. When the exponents differ by less than 64 the reduction completes (C2=0)
 * and C0, C3, C1 receive quotient bits 2, 1, 0; otherwise one partial step reduces the exponent
 * difference and sets C2=1 so that software loops. The remainder is always exact.
 */
final class X87Remainder {

    /**
     * Partial-reduction width N, the SDM's "implementation-dependent number between 32 and 63": here
     * N = 32 + (D mod 32), which leaves an exponent difference that is a multiple of 32 (this matches
     * the oracle host, an AMD EPYC).
     */
    private static int partialBits(int d) {
        return 32 + (d & 31);
    }

    private final X87Arith a;
    /** Quotient's low three bits after a complete reduction; -1 after a partial one. */
    int quotient;

    X87Remainder(X87Arith a) {
        this.a = a;
    }

    /** Computes ST(0) rem ST(1) into a.rSe/a.rSig. Returns false when nothing may be stored. */
    boolean remainder(int aSe, long aSig, int bSe, long bSig, boolean ieee) {
        quotient = 0;
        int ca = X87Arith.classify(aSe, aSig);
        int cb = X87Arith.classify(bSe, bSig);
        if (ca == X87Arith.CL_UNSUPPORTED || cb == X87Arith.CL_UNSUPPORTED || X87Arith.isNan(ca) || X87Arith.isNan(cb)) {
            return a.arith(X87Arith.OP_ADD, aSe, aSig, bSe, bSig); // the shared NaN / #IA rules
        }
        if (ca == X87Arith.CL_INF || cb == X87Arith.CL_ZERO) {
            a.exc |= IE;
            a.rSe = X87Arith.INDEF_SE;
            a.rSig = X87Arith.INDEF_SIG;
            return a.storeAllowed();
        }
        if (ca == X87Arith.CL_DENORMAL || cb == X87Arith.CL_DENORMAL) {
            a.exc |= DE;
        }
        if (!a.storeAllowed()) {
            return false;
        }
        if (ca == X87Arith.CL_ZERO) {
            a.rSe = aSe;
            a.rSig = aSig;
            return true;
        }
        FloatCore c = a.c;
        boolean sign = (aSe & 0x8000) != 0;
        c.unpack80(aSe, aSig);
        int ea = c.uExp;
        long ma = c.uSig;
        if (cb == X87Arith.CL_INF) {
            setResult(sign, ea, ma); // finite rem infinity = the finite operand, normalized
            return true;
        }
        c.unpack80(bSe, bSig);
        int eb = c.uExp;
        long mb = c.uSig;
        int d = ea - eb;
        if (d >= 64) {
            // Partial step: QQ = trunc((a/b) / 2^(d-N)); a - b*QQ*2^(d-N) = ((ma * 2^N) mod mb) * 2^(ea-63-N).
            quotient = -1;
            int n = partialBits(d);
            setResult(sign, ea - n, reduce(ma, mb, n));
            return true;
        }
        long rem;
        long q;
        if (d < 0) {
            rem = ma;
            q = 0;
            if (ieee && d == -1 && Long.compareUnsigned(ma, mb) > 0) {
                // |a| in (|b|/2, |b|): the nearest quotient is 1; |a - b| = 2mb - ma units of 2^(ea-63),
                // below mb, so the wrapping 64-bit difference is exact.
                quotient = 1;
                setResult(!sign, ea, (mb << 1) - ma);
                return true;
            }
            // |a| < |b|: the remainder is a itself, normalized like any result (a pseudo-denormal
            // becomes normal; a tiny value reports #U when unmasked).
            setResult(sign, ea, ma);
            return true;
        }
        // Bit-serial division of ma * 2^d by mb: quotient low bits and exact remainder (< mb).
        rem = ma;
        long remTop = 0;
        q = 0;
        for (int i = 0; i <= d; i++) {
            q <<= 1;
            if (remTop != 0 || Long.compareUnsigned(rem, mb) >= 0) {
                rem -= mb;
                q |= 1;
            }
            if (i < d) {
                remTop = rem >>> 63;
                rem <<= 1;
            }
        }
        boolean resultSign = sign;
        if (ieee) {
            // Round the quotient to nearest even: compare 2*rem with mb.
            int cmp = (rem < 0) ? 1 : Long.compareUnsigned(rem << 1, mb);
            if (cmp > 0 || (cmp == 0 && (q & 1) != 0)) {
                rem = mb - rem;
                q++;
                resultSign = !sign;
            }
        }
        quotient = (int) (q & 7);
        setResult(resultSign, eb, rem);
        return true;
    }

    /** (ma * 2^k) mod mb, bit-serially. */
    private static long reduce(long ma, long mb, int k) {
        long rem = ma;
        long remTop = 0;
        for (int i = 0; i <= k; i++) {
            if (remTop != 0 || Long.compareUnsigned(rem, mb) >= 0) {
                rem -= mb;
            }
            if (i < k) {
                remTop = rem >>> 63;
                rem <<= 1;
            }
        }
        return rem;
    }

    /** value = rem / 2^63 * 2^e, exact; rounded only to place a tiny result as a denormal. */
    private void setResult(boolean sign, int e, long rem) {
        if (rem == 0) {
            a.rSe = sign ? 0x8000 : 0;
            a.rSig = 0;
            return;
        }
        int s = Long.numberOfLeadingZeros(rem);
        a.c.load(sign, e - s, rem << s);
        a.roundResult(FloatCore.P_EXTENDED);
    }
}
