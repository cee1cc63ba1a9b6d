package dev.hve.emulator.simd;

/**
 * SSE2 128-bit integer operations on register values held as (lo, hi) long pairs (SDM Vol. 1
 * §11.4.3 and the Vol. 2 pages of each instruction). Results go to {@link #lo}/{@link #hi}; the
 * instance is reusable scratch, so nothing is allocated.
 */
final class SseInteger {

    long lo;
    long hi;

    // Lane-wise operations, selected by an internal code.
    static final int ADD = 0;
    static final int SUB = 1;
    static final int ADDS = 2;   // signed saturating
    static final int ADDUS = 3;  // unsigned saturating
    static final int SUBS = 4;
    static final int SUBUS = 5;
    static final int MULL = 6;
    static final int MULH = 7;   // signed high
    static final int MULHU = 8;  // unsigned high
    static final int AVG = 9;    // unsigned rounded average
    static final int MINU = 10;
    static final int MAXU = 11;
    static final int MINS = 12;
    static final int MAXS = 13;
    static final int CMPEQ = 14;
    static final int CMPGT = 15; // signed

    static long lane(long lo, long hi, int i, int bits) {
        int perWord = 64 / bits;
        long w = i < perWord ? lo : hi;
        int shift = (i % perWord) * bits;
        return bits == 64 ? w : (w >>> shift) & ((1L << bits) - 1);
    }

    private void setLane(int i, int bits, long v) {
        int perWord = 64 / bits;
        if (bits == 64) {
            if (i == 0) {
                lo = v;
            } else {
                hi = v;
            }
            return;
        }
        int shift = (i % perWord) * bits;
        long m = ((1L << bits) - 1) << shift;
        if (i < perWord) {
            lo = (lo & ~m) | ((v << shift) & m);
        } else {
            hi = (hi & ~m) | ((v << shift) & m);
        }
    }

    private static long signExtend(long v, int bits) {
        return bits == 64 ? v : (v << (64 - bits)) >> (64 - bits);
    }

    /** dst = dst op src lane by lane (PADD*, PSUB*, PMUL*, PAVG*, PMIN/PMAX*, PCMPEQ/GT*). */
    void laneOp(int op, int bits, long dLo, long dHi, long sLo, long sHi) {
        lo = 0;
        hi = 0;
        int n = 128 / bits;
        long max = bits == 64 ? -1L : (1L << bits) - 1;
        long smax = (1L << (bits - 1)) - 1;
        long smin = -(1L << (bits - 1));
        for (int i = 0; i < n; i++) {
            long x = lane(dLo, dHi, i, bits);
            long y = lane(sLo, sHi, i, bits);
            long r;
            switch (op) {
                case ADD: r = x + y; break;
                case SUB: r = x - y; break;
                case ADDS: r = Math.max(smin, Math.min(smax, signExtend(x, bits) + signExtend(y, bits))); break;
                case SUBS: r = Math.max(smin, Math.min(smax, signExtend(x, bits) - signExtend(y, bits))); break;
                case ADDUS: r = Math.min(max, x + y); break;
                case SUBUS: r = Math.max(0, x - y); break;
                case MULL: r = x * y; break;
                case MULH: r = (signExtend(x, bits) * signExtend(y, bits)) >> bits; break;
                case MULHU: r = (x * y) >>> bits; break;
                case AVG: r = (x + y + 1) >>> 1; break;
                case MINU: r = Math.min(x, y); break;
                case MAXU: r = Math.max(x, y); break;
                case MINS: r = Math.min(signExtend(x, bits), signExtend(y, bits)); break;
                case MAXS: r = Math.max(signExtend(x, bits), signExtend(y, bits)); break;
                case CMPEQ: r = x == y ? -1 : 0; break;
                default: r = signExtend(x, bits) > signExtend(y, bits) ? -1 : 0; break;
            }
            setLane(i, bits, r);
        }
    }

    /** PMULUDQ: unsigned 32x32->64 of the even doublewords (SDM Vol. 2 PMULUDQ). */
    void pmuludq(long dLo, long dHi, long sLo, long sHi) {
        lo = (dLo & 0xFFFF_FFFFL) * (sLo & 0xFFFF_FFFFL);
        hi = (dHi & 0xFFFF_FFFFL) * (sHi & 0xFFFF_FFFFL);
    }

    /** PMADDWD: signed word products summed in pairs to doublewords (wraps only for 8000h*4 case, as hardware). */
    void pmaddwd(long dLo, long dHi, long sLo, long sHi) {
        lo = 0;
        hi = 0;
        for (int i = 0; i < 4; i++) {
            long a0 = signExtend(lane(dLo, dHi, 2 * i, 16), 16) * signExtend(lane(sLo, sHi, 2 * i, 16), 16);
            long a1 = signExtend(lane(dLo, dHi, 2 * i + 1, 16), 16) * signExtend(lane(sLo, sHi, 2 * i + 1, 16), 16);
            setLane(i, 32, a0 + a1);
        }
    }

    /** PSADBW: sums of absolute byte differences per quadword, in the low word of each (SDM Vol. 2 PSADBW). */
    void psadbw(long dLo, long dHi, long sLo, long sHi) {
        long s0 = 0;
        long s1 = 0;
        for (int i = 0; i < 8; i++) {
            s0 += Math.abs(lane(dLo, dHi, i, 8) - lane(sLo, sHi, i, 8));
            s1 += Math.abs(lane(dLo, dHi, i + 8, 8) - lane(sLo, sHi, i + 8, 8));
        }
        lo = s0;
        hi = s1;
    }

    /** PUNPCKL* (high=false) / PUNPCKH*: interleave the low (high) halves' lanes, dst lane first. */
    void unpack(int bits, boolean high, long dLo, long dHi, long sLo, long sHi) {
        lo = 0;
        hi = 0;
        int half = 64 / bits;
        int base = high ? half : 0;
        for (int i = 0; i < half; i++) {
            setLane(2 * i, bits, lane(dLo, dHi, base + i, bits));
            setLane(2 * i + 1, bits, lane(sLo, sHi, base + i, bits));
        }
    }

    /**
     * PACKSSWB/PACKSSDW (signed saturation) and PACKUSWB (unsigned saturation of signed words):
     * dst's lanes become the low half, src's the high half (SDM Vol. 2 PACKSSWB/PACKUSWB).
     */
    void pack(int fromBits, boolean unsignedSat, long dLo, long dHi, long sLo, long sHi) {
        lo = 0;
        hi = 0;
        int to = fromBits / 2;
        int n = 128 / fromBits;
        long max = unsignedSat ? (1L << to) - 1 : (1L << (to - 1)) - 1;
        long min = unsignedSat ? 0 : -(1L << (to - 1));
        for (int i = 0; i < n; i++) {
            long a = signExtend(lane(dLo, dHi, i, fromBits), fromBits);
            long b = signExtend(lane(sLo, sHi, i, fromBits), fromBits);
            setLane(i, to, Math.max(min, Math.min(max, a)));
            setLane(i + n, to, Math.max(min, Math.min(max, b)));
        }
    }

    /**
     * PSLL/PSRL/PSRA W/D/Q by {@code count} (unsigned 64-bit): counts above the lane width clear the
     * lanes, or fill them with the sign for PSRA (SDM Vol. 2 PSLLW/PSRAW/PSRLW).
     */
    void shift(int kind, int bits, long dLo, long dHi, long count) {
        lo = 0;
        hi = 0;
        int n = 128 / bits;
        boolean big = Long.compareUnsigned(count, bits - 1) > 0;
        int c = big ? bits : (int) count;
        for (int i = 0; i < n; i++) {
            long x = lane(dLo, dHi, i, bits);
            long r;
            if (kind == 0) { // left
                r = c >= bits ? 0 : x << c;
            } else if (kind == 1) { // logical right
                r = c >= bits ? 0 : x >>> c;
            } else { // arithmetic right
                r = signExtend(x, bits) >> Math.min(c, bits - 1);
            }
            setLane(i, bits, r);
        }
    }

    /** PSLLDQ (left=true) / PSRLDQ by {@code bytes} (above 15 clears). */
    void byteShift(boolean left, long dLo, long dHi, int bytes) {
        if (bytes > 15) {
            lo = 0;
            hi = 0;
            return;
        }
        int s = bytes * 8;
        if (s == 0) {
            lo = dLo;
            hi = dHi;
        } else if (left) {
            if (s >= 64) {
                hi = dLo << (s - 64);
                lo = 0;
            } else {
                hi = (dHi << s) | (dLo >>> (64 - s));
                lo = dLo << s;
            }
        } else {
            if (s >= 64) {
                lo = dHi >>> (s - 64);
                hi = 0;
            } else {
                lo = (dLo >>> s) | (dHi << (64 - s));
                hi = dHi >>> s;
            }
        }
    }

    /** PSHUFD: each result doubleword picks a source doubleword by two bits of imm8. */
    void pshufd(long sLo, long sHi, int imm) {
        lo = 0;
        hi = 0;
        for (int i = 0; i < 4; i++) {
            setLane(i, 32, lane(sLo, sHi, (imm >>> (2 * i)) & 3, 32));
        }
    }

    /** PSHUFLW (high=false) / PSHUFHW: shuffle the words of one quadword, copy the other. */
    void pshufw(boolean high, long sLo, long sHi, int imm) {
        long w = high ? sHi : sLo;
        long r = 0;
        for (int i = 0; i < 4; i++) {
            r |= ((w >>> (16 * ((imm >>> (2 * i)) & 3))) & 0xFFFF) << (16 * i);
        }
        lo = high ? sLo : r;
        hi = high ? r : sHi;
    }

    /** SHUFPS: two doublewords from dst (imm bits 3:0), two from src (7:4). */
    void shufps(long dLo, long dHi, long sLo, long sHi, int imm) {
        lo = 0;
        hi = 0;
        setLane(0, 32, lane(dLo, dHi, imm & 3, 32));
        setLane(1, 32, lane(dLo, dHi, (imm >>> 2) & 3, 32));
        setLane(2, 32, lane(sLo, sHi, (imm >>> 4) & 3, 32));
        setLane(3, 32, lane(sLo, sHi, (imm >>> 6) & 3, 32));
    }

    /** PMOVMSKB: the sign bits of the 16 bytes. */
    static int pmovmskb(long lo, long hi) {
        int m = 0;
        for (int i = 0; i < 8; i++) {
            m |= (int) ((lo >>> (8 * i + 7)) & 1) << i;
            m |= (int) ((hi >>> (8 * i + 7)) & 1) << (i + 8);
        }
        return m;
    }
}
