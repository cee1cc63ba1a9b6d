package dev.hve.emulator.simd;

import dev.hve.emulator.fpu.FpuState;

/**
 * SSE2 128-bit integer instructions and the bitwise/shuffle operations on packed floats (0F 14, 15,
 * 50, 54-57, 60-7F, C4-C6, D0-FE with their mandatory prefixes), computed by {@link SseInteger}.
 */
final class SseIntegerOps extends SimdOperands {

    private final SseInteger ix;
    private final MmxUnit mmx;

    SseIntegerOps(FpuState f, SseInteger ix, MmxUnit mmx) {
        super(f);
        this.ix = ix;
        this.mmx = mmx;
    }

    /** 0F 14/15 UNPCK*, 50 MOVMSK*, 54-57 AND/ANDN/OR/XOR PS/PD, C6 SHUFPS/SHUFPD. */
    int packedFloatBits(int op, int pfx) {
        switch (op) {
            case 0x14: case 0x15:
                if (pfx == PF2 || pfx == PF3) {
                    return UD;
                }
                src128(true);
                ix.unpack(pfx == P66 ? 64 : 32, op == 0x15, x[2 * xr()], x[2 * xr() + 1], sLo, sHi);
                set(xr(), ix.lo, ix.hi);
                return OK;
            case 0x50:
                if (pfx == PF2 || pfx == PF3) {
                    return UD;
                }
                requireRegister();
                long lo = x[2 * xm()];
                long hi = x[2 * xm() + 1];
                // MOVMSKPS/MOVMSKPD: the sign bits, zero-extended into the 32/64-bit register.
                long m = pfx == P66 ? (lo >>> 63) | ((hi >>> 63) << 1)
                    : ((lo >>> 31) & 1) | ((lo >>> 62) & 2) | (((hi >>> 31) & 1) << 2) | (((hi >>> 63) & 1) << 3);
                h.setGpr(in.reg & 15, m);
                return OK;
            case 0x54: case 0x55: case 0x56: case 0x57:
                if (pfx == PF2 || pfx == PF3) {
                    return UD;
                }
                src128(true);
                logical(op - 0x54, sLo, sHi); // ANDPS/ANDPD, ANDNPS/ANDNPD, ORPS/ORPD, XORPS/XORPD
                return OK;
            case 0xC6:
                if (pfx == PF2 || pfx == PF3) {
                    return UD;
                }
                src128(true);
                int imm = imm8();
                long dLo = x[2 * xr()];
                long dHi = x[2 * xr() + 1];
                if (pfx == P66) {
                    set(xr(), (imm & 1) == 0 ? dLo : dHi, (imm & 2) == 0 ? sLo : sHi);
                } else {
                    ix.shufps(dLo, dHi, sLo, sHi, imm);
                    set(xr(), ix.lo, ix.hi);
                }
                return OK;
            default:
                return UD;
        }
    }

    int integerOps(int op, int pfx) {
        int r = xr();
        switch (op) {
            case 0x6F: // MOVDQA / MOVDQU load
                if (pfx != P66 && pfx != PF3) {
                    return UD;
                }
                src128(pfx == P66);
                set(r, sLo, sHi);
                return OK;
            case 0x7F: // MOVDQA / MOVDQU store
                if (pfx != P66 && pfx != PF3) {
                    return UD;
                }
                if (mem()) {
                    store128(pfx == P66, x[2 * r], x[2 * r + 1]);
                } else {
                    set(xm(), x[2 * r], x[2 * r + 1]);
                }
                return OK;
            case 0x7E:
                if (pfx == PF3) { // MOVQ xmm, xmm/m64
                    src64();
                    set(r, sLo, 0);
                    return OK;
                }
                if (pfx != P66) {
                    return UD;
                }
                if (in.rexW()) { // MOVQ r/m64, xmm
                    if (mem()) {
                        write(0, 8, x[2 * r]);
                    } else {
                        h.setGpr(xm(), x[2 * r]);
                    }
                } else if (mem()) { // MOVD r/m32, xmm
                    write(0, 4, x[2 * r] & 0xFFFF_FFFFL);
                } else {
                    h.setGpr(xm(), x[2 * r] & 0xFFFF_FFFFL);
                }
                return OK;
            case 0x6E: // MOVD/MOVQ xmm, r/m32/64
                if (pfx != P66) {
                    return UD;
                }
                if (in.rexW()) {
                    set(r, mem() ? read(0, 8) : h.gpr(xm()), 0);
                } else {
                    set(r, mem() ? read(0, 4) : h.gpr(xm()) & 0xFFFF_FFFFL, 0);
                }
                return OK;
            case 0xD6: // MOVQ xmm/m64, xmm; F3: MOVQ2DQ xmm, mm; F2: MOVDQ2Q mm, xmm
                if (pfx == PF3 || pfx == PF2) {
                    requireRegister();
                    if (mmx.x87Pending(h.cr0())) {
                        return MmxUnit.MF;
                    }
                    if (pfx == PF3) {
                        set(r, mmx.mm(xm()), 0);
                    } else {
                        mmx.setMm(in.reg, x[2 * xm()]);
                    }
                    mmx.transition();
                    return OK;
                }
                if (pfx != P66) {
                    return UD;
                }
                if (mem()) {
                    write(0, 8, x[2 * r]);
                } else {
                    set(xm(), x[2 * r], 0);
                }
                return OK;
            case 0xD7: // PMOVMSKB r32, xmm
                if (pfx != P66) {
                    return UD;
                }
                requireRegister();
                h.setGpr(in.reg & 15, SseInteger.pmovmskb(x[2 * xm()], x[2 * xm() + 1]));
                return OK;
            case 0xE7: // MOVNTDQ
                if (pfx != P66) {
                    return UD;
                }
                requireMemory();
                store128(true, x[2 * r], x[2 * r + 1]);
                return OK;
            case 0xF7: // MASKMOVDQU xmm, xmm: byte-masked store to DS:rDI (SDM Vol. 2 MASKMOVDQU)
                if (pfx != P66) {
                    return UD;
                }
                requireRegister();
                maskmov(r, xm());
                return OK;
            case 0x70: { // PSHUFD / PSHUFHW / PSHUFLW
                if (pfx == NONE) {
                    return UD;
                }
                src128(true);
                if (pfx == P66) {
                    ix.pshufd(sLo, sHi, imm8());
                } else {
                    ix.pshufw(pfx == PF3, sLo, sHi, imm8());
                }
                set(r, ix.lo, ix.hi);
                return OK;
            }
            case 0x71: case 0x72: case 0x73:
                if (pfx != P66) {
                    return UD;
                }
                requireRegister();
                return shiftImmediate(op);
            case 0xC4: { // PINSRW xmm, r32/m16, imm8
                if (pfx != P66) {
                    return UD;
                }
                long w = mem() ? read(0, 2) : h.gpr(xm()) & 0xFFFF;
                int lane = imm8() & 7;
                int idx = 2 * r + (lane >>> 2);
                int sh = (lane & 3) * 16;
                x[idx] = (x[idx] & ~(0xFFFFL << sh)) | (w << sh);
                return OK;
            }
            case 0xC5: { // PEXTRW r32, xmm, imm8
                if (pfx != P66) {
                    return UD;
                }
                requireRegister();
                int lane = imm8() & 7;
                h.setGpr(in.reg & 15, (x[2 * xm() + (lane >>> 2)] >>> ((lane & 3) * 16)) & 0xFFFF);
                return OK;
            }
            default:
                break;
        }
        if (pfx != P66 || op == 0x77 || op == 0xD0 || op == 0xFF || op == 0x78 || op == 0x79
            || op == 0x7A || op == 0x7B || op == 0x7C || op == 0x7D || op == 0xF0) {
            return UD;
        }
        src128(true);
        long dLo = x[2 * r];
        long dHi = x[2 * r + 1];
        switch (op) {
            case 0x60: ix.unpack(8, false, dLo, dHi, sLo, sHi); break;
            case 0x61: ix.unpack(16, false, dLo, dHi, sLo, sHi); break;
            case 0x62: ix.unpack(32, false, dLo, dHi, sLo, sHi); break;
            case 0x63: ix.pack(16, false, dLo, dHi, sLo, sHi); break;
            case 0x64: ix.laneOp(SseInteger.CMPGT, 8, dLo, dHi, sLo, sHi); break;
            case 0x65: ix.laneOp(SseInteger.CMPGT, 16, dLo, dHi, sLo, sHi); break;
            case 0x66: ix.laneOp(SseInteger.CMPGT, 32, dLo, dHi, sLo, sHi); break;
            case 0x67: ix.pack(16, true, dLo, dHi, sLo, sHi); break;
            case 0x68: ix.unpack(8, true, dLo, dHi, sLo, sHi); break;
            case 0x69: ix.unpack(16, true, dLo, dHi, sLo, sHi); break;
            case 0x6A: ix.unpack(32, true, dLo, dHi, sLo, sHi); break;
            case 0x6B: ix.pack(32, false, dLo, dHi, sLo, sHi); break;
            case 0x6C: ix.unpack(64, false, dLo, dHi, sLo, sHi); break;
            case 0x6D: ix.unpack(64, true, dLo, dHi, sLo, sHi); break;
            case 0x74: ix.laneOp(SseInteger.CMPEQ, 8, dLo, dHi, sLo, sHi); break;
            case 0x75: ix.laneOp(SseInteger.CMPEQ, 16, dLo, dHi, sLo, sHi); break;
            case 0x76: ix.laneOp(SseInteger.CMPEQ, 32, dLo, dHi, sLo, sHi); break;
            case 0xD1: ix.shift(1, 16, dLo, dHi, sLo); break;
            case 0xD2: ix.shift(1, 32, dLo, dHi, sLo); break;
            case 0xD3: ix.shift(1, 64, dLo, dHi, sLo); break;
            case 0xD4: ix.laneOp(SseInteger.ADD, 64, dLo, dHi, sLo, sHi); break;
            case 0xD5: ix.laneOp(SseInteger.MULL, 16, dLo, dHi, sLo, sHi); break;
            case 0xD8: ix.laneOp(SseInteger.SUBUS, 8, dLo, dHi, sLo, sHi); break;
            case 0xD9: ix.laneOp(SseInteger.SUBUS, 16, dLo, dHi, sLo, sHi); break;
            case 0xDA: ix.laneOp(SseInteger.MINU, 8, dLo, dHi, sLo, sHi); break;
            case 0xDB: logical(0, sLo, sHi); return OK;
            case 0xDC: ix.laneOp(SseInteger.ADDUS, 8, dLo, dHi, sLo, sHi); break;
            case 0xDD: ix.laneOp(SseInteger.ADDUS, 16, dLo, dHi, sLo, sHi); break;
            case 0xDE: ix.laneOp(SseInteger.MAXU, 8, dLo, dHi, sLo, sHi); break;
            case 0xDF: logical(1, sLo, sHi); return OK;
            case 0xE0: ix.laneOp(SseInteger.AVG, 8, dLo, dHi, sLo, sHi); break;
            case 0xE1: ix.shift(2, 16, dLo, dHi, sLo); break;
            case 0xE2: ix.shift(2, 32, dLo, dHi, sLo); break;
            case 0xE3: ix.laneOp(SseInteger.AVG, 16, dLo, dHi, sLo, sHi); break;
            case 0xE4: ix.laneOp(SseInteger.MULHU, 16, dLo, dHi, sLo, sHi); break;
            case 0xE5: ix.laneOp(SseInteger.MULH, 16, dLo, dHi, sLo, sHi); break;
            case 0xE8: ix.laneOp(SseInteger.SUBS, 8, dLo, dHi, sLo, sHi); break;
            case 0xE9: ix.laneOp(SseInteger.SUBS, 16, dLo, dHi, sLo, sHi); break;
            case 0xEA: ix.laneOp(SseInteger.MINS, 16, dLo, dHi, sLo, sHi); break;
            case 0xEB: logical(2, sLo, sHi); return OK;
            case 0xEC: ix.laneOp(SseInteger.ADDS, 8, dLo, dHi, sLo, sHi); break;
            case 0xED: ix.laneOp(SseInteger.ADDS, 16, dLo, dHi, sLo, sHi); break;
            case 0xEE: ix.laneOp(SseInteger.MAXS, 16, dLo, dHi, sLo, sHi); break;
            case 0xEF: logical(3, sLo, sHi); return OK;
            case 0xF1: ix.shift(0, 16, dLo, dHi, sLo); break;
            case 0xF2: ix.shift(0, 32, dLo, dHi, sLo); break;
            case 0xF3: ix.shift(0, 64, dLo, dHi, sLo); break;
            case 0xF4: ix.pmuludq(dLo, dHi, sLo, sHi); break;
            case 0xF5: ix.pmaddwd(dLo, dHi, sLo, sHi); break;
            case 0xF6: ix.psadbw(dLo, dHi, sLo, sHi); break;
            case 0xF8: ix.laneOp(SseInteger.SUB, 8, dLo, dHi, sLo, sHi); break;
            case 0xF9: ix.laneOp(SseInteger.SUB, 16, dLo, dHi, sLo, sHi); break;
            case 0xFA: ix.laneOp(SseInteger.SUB, 32, dLo, dHi, sLo, sHi); break;
            case 0xFB: ix.laneOp(SseInteger.SUB, 64, dLo, dHi, sLo, sHi); break;
            case 0xFC: ix.laneOp(SseInteger.ADD, 8, dLo, dHi, sLo, sHi); break;
            case 0xFD: ix.laneOp(SseInteger.ADD, 16, dLo, dHi, sLo, sHi); break;
            case 0xFE: ix.laneOp(SseInteger.ADD, 32, dLo, dHi, sLo, sHi); break;
            default: return UD;
        }
        set(r, ix.lo, ix.hi);
        return OK;
    }

    /** Groups 12-14 (66 0F 71-73 /n ib): PSRLW/PSRAW/PSLLW, D, Q and PSRLDQ/PSLLDQ. */
    private int shiftImmediate(int op) {
        int n = in.reg & 7;
        int d = xm();
        long dLo = x[2 * d];
        long dHi = x[2 * d + 1];
        int imm = imm8();
        int bits = op == 0x71 ? 16 : op == 0x72 ? 32 : 64;
        switch (n) {
            case 2: ix.shift(1, bits, dLo, dHi, imm); break;
            case 4:
                if (op == 0x73) {
                    return UD;
                }
                ix.shift(2, bits, dLo, dHi, imm);
                break;
            case 6: ix.shift(0, bits, dLo, dHi, imm); break;
            case 3:
            case 7:
                if (op != 0x73) {
                    return UD;
                }
                ix.byteShift(n == 7, dLo, dHi, imm);
                break;
            default: return UD;
        }
        set(d, ix.lo, ix.hi);
        return OK;
    }

    /**
     * MASKMOVDQU: stores the bytes of xmm{@code src} whose mask byte (xmm{@code m}) has bit 7 set to
     * DS:rDI (segment override allowed), address size from the instruction. All selected bytes are
     * probed before any is written.
     */
    private void maskmov(int src, int m) {
        int seg = in.segmentOverride >= 0 ? in.segmentOverride : 3; // DS
        long base = h.gpr(7) & mask;
        long mLo = x[2 * m];
        long mHi = x[2 * m + 1];
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < 16; i++) {
                long mb = i < 8 ? mLo >>> (8 * i) : mHi >>> (8 * (i - 8));
                if ((mb & 0x80) == 0) {
                    continue;
                }
                long off = (base + i) & mask;
                if (pass == 0) {
                    h.probeWrite(seg, off, 1);
                } else {
                    long v = i < 8 ? x[2 * src] >>> (8 * i) : x[2 * src + 1] >>> (8 * (i - 8));
                    h.write(seg, off, 1, v & 0xFF);
                }
            }
        }
    }}
