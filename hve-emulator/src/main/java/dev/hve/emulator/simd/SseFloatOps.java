package dev.hve.emulator.simd;

import dev.hve.emulator.fpu.FpuState;

/**
 * SSE/SSE2 floating-point arithmetic, compares and conversions (0F 2A-2F, 51-53, 58-5F, C2, E6), with
 * MXCSR handling in {@link SseFloat}.
 */
final class SseFloatOps extends SimdOperands {

    private final SseFloat fp;
    private final MmxUnit mmx;

    SseFloatOps(FpuState f, MmxUnit mmx) {
        super(f);
        this.fp = new SseFloat(f);
        this.mmx = mmx;
    }

    int floatOps(int op, int pfx) {
        int r = xr();
        boolean dbl = pfx == P66 || pfx == PF2;
        boolean scalar = pfx == PF3 || pfx == PF2;
        switch (op) {
            case 0x2A: { // CVTSI2SS/CVTSI2SD
                if (!scalar) {
                    return mmxConvert(op, pfx, r);
                }
                int size = in.rexW() ? 8 : 4;
                long v = mem() ? read(0, size) : h.gpr(xm());
                v = size == 8 ? v : (long) (int) v;
                fp.begin();
                long res = fp.fromInteger(v, dbl);
                if (!fp.finish()) {
                    return simdException();
                }
                writeScalar(r, res, dbl);
                return OK;
            }
            case 0x2C: case 0x2D: { // CVT(T)SS2SI / CVT(T)SD2SI
                if (!scalar) {
                    return mmxConvert(op, pfx, r);
                }
                if (dbl) {
                    src64();
                } else {
                    src32();
                }
                int bits = in.rexW() ? 64 : 32;
                fp.begin();
                long res = fp.toInteger(sLo, dbl, bits, op == 0x2C);
                if (!fp.finish()) {
                    return simdException();
                }
                h.setGpr(in.reg & 15, res);
                return OK;
            }
            case 0x2E: case 0x2F: { // UCOMIS*/COMIS*
                if (scalar) {
                    return UD;
                }
                if (dbl) {
                    src64();
                } else {
                    src32();
                }
                fp.begin();
                long fl = fp.comis(x[2 * r], sLo, dbl, op == 0x2F);
                if (!fp.finish()) {
                    return simdException();
                }
                h.setRflags((h.rflags() & ~0x8D5L) | fl);
                return OK;
            }
            case 0x52: case 0x53: { // RSQRT/RCP: PS and SS only
                if (pfx == P66 || pfx == PF2) {
                    return UD;
                }
                boolean rsqrt = op == 0x52;
                if (scalar) {
                    src32();
                    writeScalar(r, SseFloat.approx(sLo, rsqrt), false);
                } else {
                    src128(true);
                    long lo = SseFloat.approx(sLo, rsqrt) | (SseFloat.approx(sLo >>> 32, rsqrt) << 32);
                    long hi = SseFloat.approx(sHi, rsqrt) | (SseFloat.approx(sHi >>> 32, rsqrt) << 32);
                    set(r, lo, hi);
                }
                return OK;
            }
            case 0x5A:
                return convertFloat(pfx, r);
            case 0x5B:
            case 0xE6:
                return convertPacked(op, pfx, r);
            default:
                break;
        }
        int kind;
        int predicate = -1;
        switch (op) {
            case 0x51: kind = SseFloat.SQRT; break;
            case 0x58: kind = SseFloat.ADD; break;
            case 0x59: kind = SseFloat.MUL; break;
            case 0x5C: kind = SseFloat.SUB; break;
            case 0x5D: kind = SseFloat.MIN; break;
            case 0x5E: kind = SseFloat.DIV; break;
            case 0x5F: kind = SseFloat.MAX; break;
            default: kind = -1; predicate = imm8() & 7; break; // 0xC2 CMPcc
        }
        long dLo = x[2 * r];
        long dHi = x[2 * r + 1];
        if (scalar) {
            if (dbl) {
                src64();
            } else {
                src32();
            }
        } else {
            src128(true);
        }
        fp.begin();
        long rLo;
        long rHi;
        if (scalar) {
            long e = element(kind, predicate, dLo, sLo, dbl);
            rLo = dbl ? e : (dLo & 0xFFFF_FFFF_0000_0000L) | (e & 0xFFFF_FFFFL);
            rHi = dHi;
        } else if (dbl) {
            rLo = element(kind, predicate, dLo, sLo, true);
            rHi = element(kind, predicate, dHi, sHi, true);
        } else {
            rLo = (element(kind, predicate, dLo, sLo, false) & 0xFFFF_FFFFL)
                | (element(kind, predicate, dLo >>> 32, sLo >>> 32, false) << 32);
            rHi = (element(kind, predicate, dHi, sHi, false) & 0xFFFF_FFFFL)
                | (element(kind, predicate, dHi >>> 32, sHi >>> 32, false) << 32);
        }
        if (!fp.finish()) {
            return simdException();
        }
        set(r, rLo, rHi);
        return OK;
    }

    /**
     * The MMX/XMM conversions (SDM Vol. 2): 0F 2A CVTPI2PS, 66 0F 2A CVTPI2PD (source mm/m64),
     * 0F 2C/2D CVTTPS2PI/CVTPS2PI (source xmm/m64), 66 0F 2C/2D CVTTPD2PI/CVTPD2PI (source
     * xmm/m128, aligned); destination or source MMX registers make the x87-to-MMX transition.
     */
    private int mmxConvert(int op, int pfx, int r) {
        boolean mmSource = op == 0x2A && !mem();
        if ((op != 0x2A || mmSource) && mmx.x87Pending(h.cr0())) {
            return MmxUnit.MF;
        }
        fp.begin();
        if (op == 0x2A) {
            long v = mem() ? read(0, 8) : mmx.mm(in.rm);
            long lo;
            long hi;
            if (pfx == P66) { // CVTPI2PD: exact
                lo = fp.fromInteger((int) v, true);
                hi = fp.fromInteger((int) (v >>> 32), true);
            } else {          // CVTPI2PS: rounded, upper quadword kept
                lo = (fp.fromInteger((int) v, false) & 0xFFFF_FFFFL) | (fp.fromInteger((int) (v >>> 32), false) << 32);
                hi = x[2 * r + 1];
            }
            if (!fp.finish()) {
                return simdException();
            }
            set(r, lo, hi);
            if (mmSource) {
                mmx.transition();
            }
            return OK;
        }
        boolean truncate = op == 0x2C;
        long res;
        if (pfx == P66) {
            src128(true);
            res = fp.toInteger(sLo, true, 32, truncate) | (fp.toInteger(sHi, true, 32, truncate) << 32);
        } else {
            src64();
            res = fp.toInteger(sLo, false, 32, truncate) | (fp.toInteger(sLo >>> 32, false, 32, truncate) << 32);
        }
        if (!fp.finish()) {
            return simdException();
        }
        mmx.setMm(in.reg, res);
        mmx.transition();
        return OK;
    }

    private long element(int kind, int predicate, long a, long b, boolean dbl) {
        if (kind < 0) {
            return fp.compare(predicate, a, b, dbl);
        }
        return fp.arith(kind, a, b, dbl);
    }

    private void writeScalar(int r, long v, boolean dbl) {
        if (dbl) {
            x[2 * r] = v;
        } else {
            x[2 * r] = (x[2 * r] & 0xFFFF_FFFF_0000_0000L) | (v & 0xFFFF_FFFFL);
        }
    }

    /** 0F 5A: CVTPS2PD, CVTPD2PS, CVTSS2SD, CVTSD2SS. */
    private int convertFloat(int pfx, int r) {
        fp.begin();
        long lo;
        long hi;
        switch (pfx) {
            case NONE: // CVTPS2PD xmm, xmm/m64
                src64();
                lo = fp.singleToDouble(sLo);
                hi = fp.singleToDouble(sLo >>> 32);
                break;
            case P66: // CVTPD2PS xmm, xmm/m128: upper half zeroed
                src128(true);
                lo = fp.doubleToSingle(sLo) | (fp.doubleToSingle(sHi) << 32);
                hi = 0;
                break;
            case PF3: // CVTSS2SD
                src32();
                lo = fp.singleToDouble(sLo);
                hi = x[2 * r + 1];
                break;
            default: // CVTSD2SS
                src64();
                lo = (x[2 * r] & 0xFFFF_FFFF_0000_0000L) | fp.doubleToSingle(sLo);
                hi = x[2 * r + 1];
                break;
        }
        if (!fp.finish()) {
            return simdException();
        }
        set(r, lo, hi);
        return OK;
    }

    /** 0F 5B (CVTDQ2PS, CVTPS2DQ, CVTTPS2DQ) and 0F E6 (CVTTPD2DQ, CVTDQ2PD, CVTPD2DQ). */
    private int convertPacked(int op, int pfx, int r) {
        long lo;
        long hi;
        fp.begin();
        if (op == 0x5B) {
            if (pfx == PF2) {
                return UD;
            }
            src128(true);
            if (pfx == NONE) {
                lo = fp.fromInteger((int) sLo, false) | (fp.fromInteger((int) (sLo >>> 32), false) << 32);
                hi = fp.fromInteger((int) sHi, false) | (fp.fromInteger((int) (sHi >>> 32), false) << 32);
            } else {
                boolean t = pfx == PF3;
                lo = fp.toInteger(sLo, false, 32, t) | (fp.toInteger(sLo >>> 32, false, 32, t) << 32);
                hi = fp.toInteger(sHi, false, 32, t) | (fp.toInteger(sHi >>> 32, false, 32, t) << 32);
            }
        } else {
            if (pfx == NONE) {
                return UD;
            }
            if (pfx == PF3) { // CVTDQ2PD xmm, xmm/m64
                src64();
                lo = fp.fromInteger((int) sLo, true);
                hi = fp.fromInteger((int) (sLo >>> 32), true);
            } else {
                src128(true);
                boolean t = pfx == P66;
                lo = fp.toInteger(sLo, true, 32, t) | (fp.toInteger(sHi, true, 32, t) << 32);
                hi = 0;
            }
        }
        if (!fp.finish()) {
            return simdException();
        }
        set(r, lo, hi);
        return OK;
    }
}
