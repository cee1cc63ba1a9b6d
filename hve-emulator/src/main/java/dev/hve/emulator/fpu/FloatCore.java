package dev.hve.emulator.fpu;

/**
 * The arithmetic engine shared by the x87 and SSE units: exact operations on finite values held
 * unpacked (sign, unbounded exponent, 64-bit significand with explicit integer bit), followed by
 * one rounding step to a target precision and exponent range.
 *
 * <p>Every binary32, binary64 and double-extended value fits this form exactly, so one engine
 * serves FADD as well as ADDSS: the caller unpacks, handles NaN/infinity/invalid cases with its own
 * unit's rules (they differ, SDM Vol. 1 table 4-7), calls an operation and then {@link #round}.
 *
 * <p>An instance is mutable scratch: results land in public fields, nothing is allocated. Values are
 * {@code sig / 2^63 * 2^exp}; a zero has {@code sig == 0}.
 */
public final class FloatCore {

    /** Exception flag bits: identical in FSW bits 5:0 and MXCSR bits 5:0 (SDM Vol. 1 §8.1.3, §10.2.3). */
    public static final int IE = 1;
    public static final int DE = 2;
    public static final int ZE = 4;
    public static final int OE = 8;
    public static final int UE = 0x10;
    public static final int PE = 0x20;

    /** Rounding control encodings, shared by FCW.RC and MXCSR.RC (SDM Vol. 1 table 4-8). */
    public static final int RC_NEAREST = 0;
    public static final int RC_DOWN = 1;
    public static final int RC_UP = 2;
    public static final int RC_ZERO = 3;

    /** Target formats: precision in bits, minimum and maximum unbiased normal exponent. */
    public static final int P_SINGLE = 24;
    public static final int P_DOUBLE = 53;
    public static final int P_EXTENDED = 64;
    public static final int EMIN_SINGLE = -126;
    public static final int EMAX_SINGLE = 127;
    public static final int EMIN_DOUBLE = -1022;
    public static final int EMAX_DOUBLE = 1023;
    public static final int EMIN_EXTENDED = -16382;
    public static final int EMAX_EXTENDED = 16383;

    /** Result kinds after {@link #round}. */
    public static final int K_ZERO = 0;
    public static final int K_FINITE = 1;
    public static final int K_INF = 2;

    // ------------------------------------------------------------ unpacked exact result (before rounding)
    /** Exact or sticky-extended result: value = (hi:lo) / 2^127 * 2^exp, hi normalized unless zero. */
    public boolean sign;
    public int exp;
    public long hi;
    public long lo;

    // ------------------------------------------------------------ rounded result
    public int kind;
    /** Rounded significand (bit 63 clear only for a denormal at emin, or zero). */
    public long sig;
    /** Flags raised by the last rounding: a subset of OE, UE, PE. */
    public int flags;
    /** The rounding incremented the magnitude (x87 C1, SDM Vol. 1 §8.1.3.1). */
    public boolean roundedUp;
    /** The result before denormalization was tiny (below 2^emin after rounding with unbounded range). */
    public boolean tiny;

    /** Unpack results ({@link #unpack80} and friends) land here: sign, exponent, normalized significand. */
    public boolean uSign;
    public int uExp;
    public long uSig;

    // ================================================================== unpacking

    /**
     * Unpacks a double-extended value that is zero, denormal, pseudo-denormal or normal (the caller
     * has already dealt with exponent 0x7FFF and with unnormals). SDM Vol. 1 §4.8.3.2: a denormal and
     * a pseudo-denormal both have the value sig * 2^(-16382-63).
     */
    public void unpack80(int se, long significand) {
        uSign = (se & 0x8000) != 0;
        int e = se & 0x7FFF;
        if (significand == 0) {
            uExp = 0;
            uSig = 0;
            return;
        }
        int ue = e == 0 ? EMIN_EXTENDED : e - 16383;
        int shift = Long.numberOfLeadingZeros(significand);
        uSig = significand << shift;
        uExp = ue - shift;
    }

    /** Unpacks a finite binary64 (zero, denormal or normal). */
    public void unpack64(long bits) {
        uSign = bits < 0;
        int e = (int) (bits >>> 52) & 0x7FF;
        long frac = bits & 0xF_FFFF_FFFF_FFFFL;
        if (e == 0) {
            if (frac == 0) {
                uExp = 0;
                uSig = 0;
                return;
            }
            int shift = Long.numberOfLeadingZeros(frac << 11);
            uSig = (frac << 11) << shift;
            uExp = EMIN_DOUBLE - shift;
            return;
        }
        uExp = e - 1023;
        uSig = Long.MIN_VALUE | (frac << 11);
    }

    /** Unpacks a finite binary32 (zero, denormal or normal). */
    public void unpack32(int bits) {
        uSign = bits < 0;
        int e = (bits >>> 23) & 0xFF;
        long frac = bits & 0x7F_FFFFL;
        if (e == 0) {
            if (frac == 0) {
                uExp = 0;
                uSig = 0;
                return;
            }
            int shift = Long.numberOfLeadingZeros(frac << 40);
            uSig = (frac << 40) << shift;
            uExp = EMIN_SINGLE - shift;
            return;
        }
        uExp = e - 127;
        uSig = Long.MIN_VALUE | (frac << 40);
    }

    // ================================================================== exact operations

    /** Loads a value unchanged, so it can be rounded to another format (conversions, FST). */
    public void load(boolean s, int e, long m) {
        sign = s;
        exp = e;
        hi = m;
        lo = 0;
    }

    /**
     * a + b (for subtraction the caller flips b's sign). An exact zero difference is +0, or -0 when
     * rounding down (IEEE 754-2008 §6.3, which the SDM follows for "x + (-x)").
     */
    public void add(boolean sa, int ea, long ma, boolean sb, int eb, long mb, int rc) {
        if (ma == 0 && mb == 0) {
            sign = sa == sb ? sa : rc == RC_DOWN;
            exp = 0;
            hi = 0;
            lo = 0;
            return;
        }
        if (ma == 0) {
            load(sb, eb, mb);
            return;
        }
        if (mb == 0) {
            load(sa, ea, ma);
            return;
        }
        // Order by magnitude so that the subtraction below never goes negative.
        if (ea < eb || (ea == eb && Long.compareUnsigned(ma, mb) < 0)) {
            boolean ts = sa; sa = sb; sb = ts;
            int te = ea; ea = eb; eb = te;
            long tm = ma; ma = mb; mb = tm;
        }
        int d = ea - eb;
        long bh;
        long bl;
        if (d == 0) {
            bh = mb;
            bl = 0;
        } else if (d < 64) {
            bh = mb >>> d;
            bl = mb << (64 - d);
        } else if (d < 128) {
            bh = 0;
            bl = d == 64 ? mb : (mb >>> (d - 64)) | ((mb << (128 - d)) != 0 ? 1 : 0);
        } else {
            bh = 0;
            bl = 1; // sticky only
        }
        sign = sa;
        exp = ea;
        if (sa == sb) {
            long l = bl;
            long h = ma + bh;
            boolean carry = Long.compareUnsigned(h, ma) < 0;
            if (carry) {
                l = (l >>> 1) | (l & 1) | ((h & 1) << 63);
                h = (h >>> 1) | Long.MIN_VALUE;
                exp++;
            }
            hi = h;
            lo = l;
            return;
        }
        long l = -bl;
        long h = ma - bh - (bl != 0 ? 1 : 0);
        if (h == 0 && l == 0) {
            sign = rc == RC_DOWN;
            exp = 0;
            hi = 0;
            lo = 0;
            return;
        }
        normalize(h, l);
    }

    private void normalize(long h, long l) {
        if (h == 0) {
            h = l;
            l = 0;
            exp -= 64;
        }
        int s = Long.numberOfLeadingZeros(h);
        if (s != 0) {
            h = (h << s) | (l >>> (64 - s));
            l <<= s;
            exp -= s;
        }
        hi = h;
        lo = l;
    }

    /** a * b, exact in 128 bits. */
    public void mul(boolean sa, int ea, long ma, boolean sb, int eb, long mb) {
        sign = sa != sb;
        if (ma == 0 || mb == 0) {
            exp = 0;
            hi = 0;
            lo = 0;
            return;
        }
        long h = Math.multiplyHigh(ma, mb) + ((ma >> 63) & mb) + ((mb >> 63) & ma);
        long l = ma * mb;
        exp = ea + eb + 1;
        if (h >= 0) {
            h = (h << 1) | (l >>> 63);
            l <<= 1;
            exp--;
        }
        hi = h;
        lo = l;
    }

    /** a / b for nonzero b: 64 quotient bits, the next bit, and a sticky bit for the remainder. */
    public void div(boolean sa, int ea, long ma, boolean sb, int eb, long mb) {
        sign = sa != sb;
        if (ma == 0) {
            exp = 0;
            hi = 0;
            lo = 0;
            return;
        }
        exp = ea - eb;
        long rem = ma;
        long remTop = 0;
        if (Long.compareUnsigned(ma, mb) < 0) {
            exp--;
            remTop = rem >>> 63;
            rem <<= 1;
        }
        long q = 0;
        for (int i = 0; i < 64; i++) {
            q <<= 1;
            if (remTop != 0 || Long.compareUnsigned(rem, mb) >= 0) {
                rem -= mb; // the true difference is below mb, so it fits in 64 bits
                q |= 1;
            }
            remTop = rem >>> 63;
            rem <<= 1;
        }
        hi = q;
        boolean next = remTop != 0 || Long.compareUnsigned(rem, mb) >= 0;
        if (next) {
            rem -= mb;
        }
        lo = (next ? Long.MIN_VALUE : 0) | (rem != 0 ? 1 : 0);
    }

    /** sqrt(a) for a >= 0: 64 root bits plus round and sticky information (an exact tie is impossible). */
    public void sqrt(int ea, long ma) {
        sign = false;
        if (ma == 0) {
            exp = 0;
            hi = 0;
            lo = 0;
            return;
        }
        // value = ma * 2^(ea-63); radicand N = ma * 2^s with (ea - 63 - s) even, s in {63, 64}.
        int s = ((ea - 63 - 64) & 1) == 0 ? 64 : 63;
        long nHi = s == 64 ? ma : ma >>> 1;
        long nLo = s == 64 ? 0 : ma << 63;
        long root = 0;
        long remHi = 0;
        long remLo = 0;
        for (int i = 0; i < 64; i++) {
            // bring down the next two bits of N
            int two = (int) (nHi >>> 62);
            nHi = (nHi << 2) | (nLo >>> 62);
            nLo <<= 2;
            remHi = (remHi << 2) | (remLo >>> 62);
            remLo = (remLo << 2) | two;
            // trial = root*4 + 1 (up to 66 bits)
            long tHi = root >>> 62;
            long tLo = (root << 2) | 1;
            if (remHi > tHi || (remHi == tHi && Long.compareUnsigned(remLo, tLo) >= 0)) {
                long nl = remLo - tLo;
                remHi = remHi - tHi - (Long.compareUnsigned(remLo, tLo) < 0 ? 1 : 0);
                remLo = nl;
                root = (root << 1) | 1;
            } else {
                root <<= 1;
            }
        }
        exp = 63 + ((ea - 63 - s) >> 1);
        hi = root;
        boolean above = remHi != 0 || Long.compareUnsigned(remLo, root) > 0;
        lo = (above ? Long.MIN_VALUE : 0) | ((remHi | remLo) != 0 ? 1 : 0);
    }

    /** Exact value of a signed 64-bit integer. */
    public void fromLong(long v) {
        sign = v < 0;
        long m = v < 0 ? -v : v; // Long.MIN_VALUE stays 2^63 as unsigned
        if (m == 0) {
            exp = 0;
            hi = 0;
            lo = 0;
            return;
        }
        int s = Long.numberOfLeadingZeros(m);
        hi = m << s;
        lo = 0;
        exp = 63 - s;
    }

    // ================================================================== rounding

    /**
     * Rounds the exact result to {@code precision} bits and the exponent range [emin, emax]
     * (SDM Vol. 1 §4.8.4 rounding, §4.9.1.4-§4.9.1.6 overflow/underflow/inexact).
     *
     * <p>Tininess is detected after rounding, as x86 does. A masked underflow delivers the
     * denormalized result (or zero with {@code ftz}); UE is then reported only if the result is
     * also inexact. With {@code underflowUnmasked}, UE is reported whenever the result is tiny and
     * the result is left un-denormalized with unbounded exponent (the x87 bias-adjust case); the
     * same for {@code overflowUnmasked}. Otherwise a masked overflow yields infinity or the largest
     * finite value according to the rounding direction (SDM Vol. 1 table 4-9 / §4.9.1.4).
     */
    public void round(int precision, int emin, int emax, int rc, boolean underflowUnmasked,
                      boolean overflowUnmasked, boolean ftz) {
        flags = 0;
        roundedUp = false;
        tiny = false;
        if (hi == 0) {
            kind = K_ZERO;
            sig = 0;
            return;
        }
        kind = K_FINITE;
        long h = hi;
        long l = lo;
        int e = exp;
        if (e < emin) {
            // Tininess after rounding: round with unbounded range; tiny unless it reaches 2^emin.
            tiny = true;
            if (e == emin - 1) {
                long kept = keep(h, precision);
                if (roundsUp(kept, roundWord(h, l, precision), rc) && kept == lastKept(precision)) {
                    tiny = false;
                }
            }
            if (tiny && underflowUnmasked) {
                roundAt(h, l, e, precision, rc);
                flags |= UE;
                return;
            }
            if (ftz) {
                sig = 0;
                kind = K_ZERO;
                flags = UE | PE;
                return;
            }
            int shift = emin - e;
            if (shift >= 128) {
                l = 1;
                h = 0;
            } else if (shift >= 64) {
                l = (shift == 64 ? h : (h >>> (shift - 64)) | ((h << (128 - shift)) != 0 ? 1 : 0)) | (l != 0 ? 1 : 0);
                h = 0;
            } else {
                l = (h << (64 - shift)) | (l >>> shift) | ((l << (64 - shift)) != 0 ? 1 : 0);
                h >>>= shift;
            }
            e = emin;
        }
        roundAt(h, l, e, precision, rc);
        if (tiny && (flags & PE) != 0) {
            flags |= UE;
        }
        if (sig == 0) {
            kind = K_ZERO;
            return;
        }
        if (exp > emax) {
            flags |= OE;
            if (overflowUnmasked) {
                return;
            }
            flags |= PE;
            boolean toInf = rc == RC_NEAREST || (rc == RC_UP && !sign) || (rc == RC_DOWN && sign);
            if (toInf) {
                kind = K_INF;
                sig = Long.MIN_VALUE;
                roundedUp = true;
            } else {
                exp = emax;
                sig = precision == 64 ? -1L : (-1L << (64 - precision));
                roundedUp = false;
            }
        }
    }

    /** Rounds h:l (possibly unnormalized after denormalization) to precision bits at bit 63 alignment. */
    private void roundAt(long h, long l, int e, int precision, int rc) {
        long kept = keep(h, precision);
        long word = roundWord(h, l, precision);
        if (word != 0) {
            flags |= PE;
        }
        if (roundsUp(kept, word, rc)) {
            roundedUp = true;
            kept++;
            if (precision == 64 ? kept == 0 : kept == (1L << precision)) {
                kept = 1L << (precision - 1);
                e++;
            }
        }
        sig = precision == 64 ? kept : kept << (64 - precision);
        exp = e;
    }

    private static long keep(long h, int precision) {
        return precision == 64 ? h : h >>> (64 - precision);
    }

    private static long lastKept(int precision) {
        return precision == 64 ? -1L : (1L << precision) - 1;
    }

    /** The discarded bits, left-aligned, with everything below the first 64-precision bits as sticky. */
    private static long roundWord(long h, long l, int precision) {
        if (precision == 64) {
            return l;
        }
        return (h << precision) | (l != 0 ? 1 : 0);
    }

    private boolean roundsUp(long kept, long word, int rc) {
        if (word == 0) {
            return false;
        }
        switch (rc) {
            case RC_NEAREST:
                return Long.compareUnsigned(word, Long.MIN_VALUE) > 0 || (word == Long.MIN_VALUE && (kept & 1) != 0);
            case RC_DOWN:
                return sign;
            case RC_UP:
                return !sign;
            default:
                return false;
        }
    }

    // ================================================================== packing

    /** The rounded result as binary64 bits (after rounding to P_DOUBLE / double range). */
    public long pack64() {
        long s = sign ? Long.MIN_VALUE : 0;
        if (kind == K_ZERO) {
            return s;
        }
        if (kind == K_INF) {
            return s | 0x7FF0_0000_0000_0000L;
        }
        if (sig >= 0) { // denormal
            return s | (sig >>> 11);
        }
        return s | ((long) (exp + 1023) << 52) | ((sig << 1) >>> 12);
    }

    /** The rounded result as binary32 bits. */
    public int pack32() {
        int s = sign ? Integer.MIN_VALUE : 0;
        if (kind == K_ZERO) {
            return s;
        }
        if (kind == K_INF) {
            return s | 0x7F80_0000;
        }
        if (sig >= 0) {
            return s | (int) (sig >>> 40);
        }
        return s | ((exp + 127) << 23) | (int) ((sig << 1) >>> 41);
    }

    /** The rounded result's sign/exponent word in double-extended format (bias 16383). */
    public int packSe80() {
        int s = sign ? 0x8000 : 0;
        if (kind == K_ZERO) {
            return s;
        }
        if (kind == K_INF) {
            return s | 0x7FFF;
        }
        if (sig >= 0) {
            return s;
        }
        return s | ((exp + 16383) & 0x7FFF);
    }

    /** The rounded significand in double-extended format. */
    public long packSig80() {
        return kind == K_ZERO ? 0 : sig;
    }

    // ================================================================== integer conversion

    /** Magnitude of the last {@link #roundToInteger}; meaningful unless {@link #intOverflow}. */
    public long intMagnitude;
    public boolean intOverflow;
    public boolean intInexact;

    /**
     * Rounds a finite value to an integer magnitude (unsigned 64 bits) using {@code rc}, for
     * FIST/CVT*2SI/FRNDINT. Flags are left to the caller (range depends on the destination).
     */
    public void roundToInteger(boolean s, int e, long m, int rc) {
        intOverflow = false;
        intInexact = false;
        if (m == 0) {
            intMagnitude = 0;
            return;
        }
        if (e >= 64) {
            intOverflow = true;
            return;
        }
        long integer;
        long word; // discarded fraction, left-aligned, sticky folded in
        if (e == 63) {
            integer = m;
            word = 0;
        } else if (e >= 0) {
            integer = m >>> (63 - e);
            word = m << (e + 1);
        } else if (e == -1) {
            integer = 0;
            word = m;
        } else {
            integer = 0;
            word = e < -64 ? 1 : (m >>> (-1 - e)) | ((m << (64 + 1 + e)) != 0 ? 1 : 0);
        }
        intInexact = word != 0;
        boolean saved = sign;
        sign = s;
        if (roundsUp(integer, word, rc)) {
            integer++;
            if (integer == 0) {
                intOverflow = true;
            }
        }
        sign = saved;
        intMagnitude = integer;
    }
}
