package dev.hve.emulator.simd;

import dev.hve.emulator.decode.Instruction;
import dev.hve.emulator.fpu.FpuHost;
import dev.hve.emulator.fpu.FpuState;

/**
 * MMX and the SSE/SSE2 instructions on MMX registers: the no-prefix forms of 0F 60-7F, 0F C4/C5,
 * 0F D1-FE and EMMS (SDM Vol. 1 ch. 9, §10.4.4, §11.4.3.5). MM0-MM7 are the significands of the
 * physical x87 registers R0-R7 (§9.5): every MMX instruction except EMMS sets TOP=0 and tags all
 * registers valid; writing MMn sets Rn's sign/exponent to all ones; EMMS empties the tags.
 */
final class MmxUnit {

    static final int OK = -1;
    static final int UD = 6;
    static final int NM = 7;
    static final int MF = 16;

    private final FpuState f;
    private final SseInteger ix;
    private FpuHost h;
    private Instruction in;
    private long ea;
    private long mask;

    MmxUnit(FpuState f, SseInteger ix) {
        this.f = f;
        this.ix = ix;
    }

    /** True for the opcodes this unit owns when no mandatory prefix is present. */
    static boolean owns(int op) {
        return (op >= 0x60 && op <= 0x7F && op != 0x6C && op != 0x6D && op != 0x78 && op != 0x79 && op != 0x7A
            && op != 0x7B && op != 0x7C && op != 0x7D) || op == 0xC4 || op == 0xC5 || (op >= 0xD1 && op <= 0xFE && op != 0xD6
            && op != 0xE6);
    }

    /**
     * SDM Vol. 3A table 2-2 and Vol. 2 exception class for MMX: #UD if CR0.EM, #NM if CR0.TS, #MF if
     * an unmasked x87 exception is pending (with CR0.NE; see X87Unit for NE=0).
     */
    int execute(int op, Instruction insn, long effectiveAddress, FpuHost host) {
        long cr0 = host.cr0();
        if ((cr0 & SimdUnit.CR0_EM) != 0) {
            return UD;
        }
        if ((cr0 & SimdUnit.CR0_TS) != 0) {
            return NM;
        }
        if (x87Pending(cr0)) {
            return MF;
        }
        this.h = host;
        this.in = insn;
        this.ea = effectiveAddress;
        this.mask = insn.addrSize == 8 ? -1L : insn.addrSize == 4 ? 0xFFFF_FFFFL : 0xFFFF;
        if (op == 0x77) { // EMMS
            for (int i = 0; i < 8; i++) {
                f.tag[i] = FpuState.TAG_EMPTY;
            }
            return OK;
        }
        int r = run(op);
        if (r == OK) {
            transition(); // done last so that a faulting access changes nothing
        }
        return r;
    }

    private boolean mem() {
        return in.mod != 3;
    }

    private long read(int size) {
        return h.read(in.segment(), ea & mask, size);
    }

    long mm(int i) {
        return f.sig[i & 7];
    }

    void setMm(int i, long v) {
        f.sig[i & 7] = v;
        f.se[i & 7] = 0xFFFF;
    }

    /** The x87-to-MMX transition (SDM Vol. 1 §9.5.1): TOP=0, no register empty. */
    void transition() {
        f.top = 0;
        for (int i = 0; i < 8; i++) {
            f.tag[i] = FpuState.TAG_VALID;
        }
    }

    /** #MF for a pending unmasked x87 exception before an instruction that touches MMX state. */
    boolean x87Pending(long cr0) {
        return (f.fsw & FpuState.FSW_ES) != 0 && (cr0 & (1L << 5)) != 0;
    }

    private long src64() {
        return mem() ? read(8) : mm(in.rm);
    }

    private int imm8() {
        return (int) (in.imm & 0xFF);
    }

    private int run(int op) {
        int d = in.reg & 7;
        switch (op) {
            case 0x6E: // MOVD/MOVQ mm, r/m32/64
                if (in.rexW()) {
                    setMm(d, mem() ? read(8) : h.gpr(in.rm & 15));
                } else {
                    setMm(d, mem() ? read(4) : h.gpr(in.rm & 15) & 0xFFFF_FFFFL);
                }
                return OK;
            case 0x7E: // MOVD/MOVQ r/m32/64, mm
                if (in.rexW()) {
                    if (mem()) {
                        h.write(in.segment(), ea & mask, 8, mm(d));
                    } else {
                        h.setGpr(in.rm & 15, mm(d));
                    }
                } else if (mem()) {
                    h.write(in.segment(), ea & mask, 4, mm(d) & 0xFFFF_FFFFL);
                } else {
                    h.setGpr(in.rm & 15, mm(d) & 0xFFFF_FFFFL);
                }
                return OK;
            case 0x6F: // MOVQ mm, mm/m64
                setMm(d, src64());
                return OK;
            case 0x7F: // MOVQ mm/m64, mm
            case 0xE7: // MOVNTQ m64, mm
                if (mem()) {
                    h.write(in.segment(), ea & mask, 8, mm(d));
                } else if (op == 0xE7) {
                    return UD;
                } else {
                    setMm(in.rm, mm(d));
                }
                return OK;
            case 0x70: // PSHUFW mm, mm/m64, imm8
                ix.pshufw(false, src64(), 0, imm8());
                setMm(d, ix.lo);
                return OK;
            case 0x71: case 0x72: case 0x73:
                return shiftImmediate(op);
            case 0xC4: { // PINSRW mm, r32/m16, imm8
                long w = mem() ? read(2) : h.gpr(in.rm & 15) & 0xFFFF;
                int sh = (imm8() & 3) * 16;
                setMm(d, (mm(d) & ~(0xFFFFL << sh)) | (w << sh));
                return OK;
            }
            case 0xC5: // PEXTRW r32, mm, imm8
                if (mem()) {
                    return UD;
                }
                h.setGpr(in.reg & 15, (mm(in.rm) >>> ((imm8() & 3) * 16)) & 0xFFFF);
                return OK;
            case 0xD7: // PMOVMSKB r32, mm
                if (mem()) {
                    return UD;
                }
                h.setGpr(in.reg & 15, SseInteger.pmovmskb(mm(in.rm), 0) & 0xFF);
                return OK;
            case 0xF7: // MASKMOVQ mm, mm: byte-masked store to DS:rDI
                if (mem()) {
                    return UD;
                }
                maskmovq(mm(d), mm(in.rm));
                return OK;
            default:
                break;
        }
        long dv = mm(d);
        long sv;
        if (op >= 0x60 && op <= 0x62) {
            sv = mem() ? read(4) : mm(in.rm); // PUNPCKL*: m32 operand (SDM Vol. 2 PUNPCKLBW)
        } else {
            sv = src64();
        }
        long r;
        switch (op) {
            case 0x60: ix.unpack(8, false, dv, 0, sv, 0); r = ix.lo; break;
            case 0x61: ix.unpack(16, false, dv, 0, sv, 0); r = ix.lo; break;
            case 0x62: ix.unpack(32, false, dv, 0, sv, 0); r = ix.lo; break;
            case 0x68: ix.unpack(8, false, dv >>> 32, 0, sv >>> 32, 0); r = ix.lo; break;
            case 0x69: ix.unpack(16, false, dv >>> 32, 0, sv >>> 32, 0); r = ix.lo; break;
            case 0x6A: ix.unpack(32, false, dv >>> 32, 0, sv >>> 32, 0); r = ix.lo; break;
            case 0x63: r = pack(16, false, dv, sv); break;
            case 0x67: r = pack(16, true, dv, sv); break;
            case 0x6B: r = pack(32, false, dv, sv); break;
            case 0x64: r = lane(SseInteger.CMPGT, 8, dv, sv); break;
            case 0x65: r = lane(SseInteger.CMPGT, 16, dv, sv); break;
            case 0x66: r = lane(SseInteger.CMPGT, 32, dv, sv); break;
            case 0x74: r = lane(SseInteger.CMPEQ, 8, dv, sv); break;
            case 0x75: r = lane(SseInteger.CMPEQ, 16, dv, sv); break;
            case 0x76: r = lane(SseInteger.CMPEQ, 32, dv, sv); break;
            case 0xD1: ix.shift(1, 16, dv, 0, sv); r = ix.lo; break;
            case 0xD2: ix.shift(1, 32, dv, 0, sv); r = ix.lo; break;
            case 0xD3: ix.shift(1, 64, dv, 0, sv); r = ix.lo; break;
            case 0xE1: ix.shift(2, 16, dv, 0, sv); r = ix.lo; break;
            case 0xE2: ix.shift(2, 32, dv, 0, sv); r = ix.lo; break;
            case 0xF1: ix.shift(0, 16, dv, 0, sv); r = ix.lo; break;
            case 0xF2: ix.shift(0, 32, dv, 0, sv); r = ix.lo; break;
            case 0xF3: ix.shift(0, 64, dv, 0, sv); r = ix.lo; break;
            case 0xD4: r = dv + sv; break;                                  // PADDQ mm (SSE2)
            case 0xFB: r = dv - sv; break;                                  // PSUBQ mm (SSE2)
            case 0xF4: r = (dv & 0xFFFF_FFFFL) * (sv & 0xFFFF_FFFFL); break; // PMULUDQ mm (SSE2)
            case 0xD5: r = lane(SseInteger.MULL, 16, dv, sv); break;
            case 0xE5: r = lane(SseInteger.MULH, 16, dv, sv); break;
            case 0xE4: r = lane(SseInteger.MULHU, 16, dv, sv); break;
            case 0xF5: ix.pmaddwd(dv, 0, sv, 0); r = ix.lo; break;
            case 0xF6: ix.psadbw(dv, 0, sv, 0); r = ix.lo; break;
            case 0xD8: r = lane(SseInteger.SUBUS, 8, dv, sv); break;
            case 0xD9: r = lane(SseInteger.SUBUS, 16, dv, sv); break;
            case 0xDA: r = lane(SseInteger.MINU, 8, dv, sv); break;
            case 0xDB: r = dv & sv; break;
            case 0xDC: r = lane(SseInteger.ADDUS, 8, dv, sv); break;
            case 0xDD: r = lane(SseInteger.ADDUS, 16, dv, sv); break;
            case 0xDE: r = lane(SseInteger.MAXU, 8, dv, sv); break;
            case 0xDF: r = ~dv & sv; break;
            case 0xE0: r = lane(SseInteger.AVG, 8, dv, sv); break;
            case 0xE3: r = lane(SseInteger.AVG, 16, dv, sv); break;
            case 0xE8: r = lane(SseInteger.SUBS, 8, dv, sv); break;
            case 0xE9: r = lane(SseInteger.SUBS, 16, dv, sv); break;
            case 0xEA: r = lane(SseInteger.MINS, 16, dv, sv); break;
            case 0xEB: r = dv | sv; break;
            case 0xEC: r = lane(SseInteger.ADDS, 8, dv, sv); break;
            case 0xED: r = lane(SseInteger.ADDS, 16, dv, sv); break;
            case 0xEE: r = lane(SseInteger.MAXS, 16, dv, sv); break;
            case 0xEF: r = dv ^ sv; break;
            case 0xF8: r = lane(SseInteger.SUB, 8, dv, sv); break;
            case 0xF9: r = lane(SseInteger.SUB, 16, dv, sv); break;
            case 0xFA: r = lane(SseInteger.SUB, 32, dv, sv); break;
            case 0xFC: r = lane(SseInteger.ADD, 8, dv, sv); break;
            case 0xFD: r = lane(SseInteger.ADD, 16, dv, sv); break;
            case 0xFE: r = lane(SseInteger.ADD, 32, dv, sv); break;
            default: return UD;
        }
        setMm(d, r);
        return OK;
    }

    private long lane(int op, int bits, long dv, long sv) {
        ix.laneOp(op, bits, dv, 0, sv, 0);
        return ix.lo;
    }

    /** PACKSSWB/PACKUSWB/PACKSSDW on 64 bits: dst's lanes saturated into the low half, src's into the high. */
    private static long pack(int fromBits, boolean unsignedSat, long dv, long sv) {
        int to = fromBits / 2;
        int n = 64 / fromBits;
        long max = unsignedSat ? (1L << to) - 1 : (1L << (to - 1)) - 1;
        long min = unsignedSat ? 0 : -(1L << (to - 1));
        long m = (1L << to) - 1;
        long r = 0;
        for (int i = 0; i < n; i++) {
            long a = (dv << (64 - fromBits * (i + 1))) >> (64 - fromBits);
            long b = (sv << (64 - fromBits * (i + 1))) >> (64 - fromBits);
            r |= (Math.max(min, Math.min(max, a)) & m) << (to * i);
            r |= (Math.max(min, Math.min(max, b)) & m) << (to * (i + n));
        }
        return r;
    }

    /** Groups 12-14 without prefix: /2 logical right, /4 arithmetic right, /6 left (no /3, /7 on MMX). */
    private int shiftImmediate(int op) {
        if (!mem()) {
            int n = in.reg & 7;
            int bits = op == 0x71 ? 16 : op == 0x72 ? 32 : 64;
            long v = mm(in.rm);
            int kind = n == 2 ? 1 : n == 4 ? 2 : n == 6 ? 0 : -1;
            if (kind < 0 || (kind == 2 && op == 0x73)) {
                return UD;
            }
            ix.shift(kind, bits, v, 0, imm8());
            setMm(in.rm, ix.lo);
            return OK;
        }
        return UD;
    }

    private void maskmovq(long data, long m) {
        int seg = in.segmentOverride >= 0 ? in.segmentOverride : 3;
        long base = h.gpr(7) & mask;
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < 8; i++) {
                if (((m >>> (8 * i)) & 0x80) == 0) {
                    continue;
                }
                long off = (base + i) & mask;
                if (pass == 0) {
                    h.probeWrite(seg, off, 1);
                } else {
                    h.write(seg, off, 1, (data >>> (8 * i)) & 0xFF);
                }
            }
        }
    }
}
