package dev.hve.emulator.simd;

import dev.hve.emulator.decode.Instruction;
import dev.hve.emulator.fpu.FpuHost;
import dev.hve.emulator.fpu.FpuState;
import dev.hve.emulator.fpu.FxSave;

/**
 * Executes SSE and SSE2 instructions of the 0F map (SDM Vol. 1 ch. 10-11, Vol. 2) and the 0F AE
 * memory forms /0-/3 (FXSAVE, FXRSTOR, LDMXCSR, STMXCSR). The interpreter passes the decoded
 * instruction and the effective address of its memory operand; the result is {@link #OK} or the
 * vector of the exception to raise: 6 #UD, 7 #NM, 13 #GP(0), 19 #XM. Memory faults propagate from
 * the {@link FpuHost} as the core's own exceptions. On any returned exception no architectural
 * state has changed except MXCSR's flags when the exception is #XM (SDM Vol. 1 §11.5.1).
 *
 * <p>Mandatory prefixes (SDM Vol. 2 §2.1.2 and appendix A.3): F3 or F2 (the last one seen) selects
 * the scalar/alternate form and wins over 66; otherwise 66 selects the packed-double/integer form.
 * 64-bit MMX forms (no prefix on 0F 60-7F, D0-FF, and 0F 2A/2C/2D without F2/F3) raise #UD: MMX is
 * not modeled.
 */
public final class SimdUnit {

    public static final int OK = -1;
    public static final int UD = 6;
    public static final int NM = 7;
    public static final int GP = 13;
    public static final int XM = 19;

    static final long CR0_EM = 1L << 2;
    static final long CR0_TS = 1L << 3;
    static final long CR4_OSFXSR = 1L << 9;
    static final long CR4_OSXMMEXCPT = 1L << 10;

    private static final int NONE = 0;
    private static final int P66 = 1;
    private static final int PF3 = 2;
    private static final int PF2 = 3;

    /** The preallocated way out of nested helpers with an exception vector. */
    private static final class Abort extends RuntimeException {
        private static final long serialVersionUID = 1L;
        int vector;

        Abort() {
            super(null, null, false, false);
        }
    }

    private final FpuState f;
    private final long[] x;
    private final SseFloat fp;
    private final SseInteger ix = new SseInteger();
    private final FxSave fxsave;
    private final Abort abort = new Abort();

    private FpuHost h;
    private Instruction in;
    private long ea;
    private long mask;
    private long cr4;
    /** The source operand (register or memory), filled by the src* helpers. */
    private long sLo;
    private long sHi;

    public SimdUnit(FpuState state) {
        this.f = state;
        this.x = state.xmm;
        this.fp = new SseFloat(state);
        this.fxsave = new FxSave(state);
    }

    public FpuState state() {
        return f;
    }

    /** Executes one 0F-map SSE/SSE2 instruction or a 0F AE /0-/3 memory form. */
    public int execute(Instruction insn, long effectiveAddress, FpuHost host) {
        this.h = host;
        this.in = insn;
        this.ea = effectiveAddress;
        this.mask = insn.addrSize == 8 ? -1L : insn.addrSize == 4 ? 0xFFFF_FFFFL : 0xFFFF;
        int op = insn.opcode & 0xFF;
        long cr0 = host.cr0();
        cr4 = host.cr4();
        if (op == 0xAE) {
            return group15(cr0);
        }
        // SDM Vol. 2 table 2-21 ff. (exception classes for legacy SSE): #UD if CR0.EM or !CR4.OSFXSR,
        // then #NM if CR0.TS.
        if ((cr0 & CR0_EM) != 0 || (cr4 & CR4_OSFXSR) == 0) {
            return UD;
        }
        if ((cr0 & CR0_TS) != 0) {
            return NM;
        }
        int pfx = insn.lastRep == 0xF3 ? PF3 : insn.lastRep == 0xF2 ? PF2
            : (insn.prefixes & Instruction.P_OPSIZE) != 0 ? P66 : NONE;
        try {
            return dispatch(op, pfx);
        } catch (Abort a) {
            return a.vector;
        }
    }

    private int fail(int vector) {
        abort.vector = vector;
        throw abort;
    }

    /** #XM when CR4.OSXMMEXCPT=1, else #UD (SDM Vol. 3A §6.15 interrupt 19, Vol. 1 §11.5.1). */
    private int simdException() {
        return (cr4 & CR4_OSXMMEXCPT) != 0 ? XM : UD;
    }

    // ================================================================ 0F AE

    private int group15(long cr0) {
        int reg = in.reg & 7;
        if (in.mod == 3 || reg > 3) {
            return UD; // not an SSE form: the interpreter keeps fences, CLFLUSH and the FSGSBASE group
        }
        int seg = in.segment();
        if (reg <= 1) {
            // FXSAVE/FXRSTOR: #NM if CR0.TS or CR0.EM (SDM Vol. 2 FXSAVE "Protected Mode Exceptions").
            if ((cr0 & (CR0_EM | CR0_TS)) != 0) {
                return NM;
            }
            if (((h.segmentBase(seg) + ea) & 15) != 0) {
                return GP;
            }
            boolean mode64 = in.codeSize == 8;
            if (reg == 0) {
                fxsave.save(h, seg, ea, mask, in.rexW(), mode64);
                return OK;
            }
            return fxsave.restore(h, seg, ea, mask, in.rexW(), mode64) ? OK : GP;
        }
        if ((cr0 & CR0_EM) != 0 || (cr4 & CR4_OSFXSR) == 0) {
            return UD;
        }
        if ((cr0 & CR0_TS) != 0) {
            return NM;
        }
        if (reg == 2) { // LDMXCSR: reserved bits -> #GP(0) (SDM Vol. 2 LDMXCSR)
            int v = (int) h.read(seg, ea, 4);
            if ((v & ~FpuState.MXCSR_MASK) != 0) {
                return GP;
            }
            f.mxcsr = v;
            return OK;
        }
        h.write(seg, ea, 4, f.mxcsr & 0xFFFF_FFFFL); // STMXCSR
        return OK;
    }

    // ================================================================ operand helpers

    private int xr() {
        return in.reg & 15;
    }

    private int xm() {
        return in.rm & 15;
    }

    private boolean mem() {
        return in.mod != 3;
    }

    private void requireMemory() {
        if (!mem()) {
            fail(UD);
        }
    }

    private void requireRegister() {
        if (mem()) {
            fail(UD);
        }
    }

    private long read(int off, int size) {
        return h.read(in.segment(), (ea + off) & mask, size);
    }

    private void write(int off, int size, long v) {
        h.write(in.segment(), (ea + off) & mask, size, v);
    }

    /** Legacy SSE 128-bit memory operands must be 16-byte aligned unless the instruction says otherwise (§11.4.1). */
    private void checkAligned() {
        if (((h.segmentBase(in.segment()) + ea) & 15) != 0) {
            fail(GP);
        }
    }

    private void src128(boolean aligned) {
        if (!mem()) {
            sLo = x[2 * xm()];
            sHi = x[2 * xm() + 1];
            return;
        }
        if (aligned) {
            checkAligned();
        }
        sLo = read(0, 8);
        sHi = read(8, 8);
    }

    private void src64() {
        sLo = mem() ? read(0, 8) : x[2 * xm()];
        sHi = 0;
    }

    private void src32() {
        sLo = mem() ? read(0, 4) : x[2 * xm()] & 0xFFFF_FFFFL;
        sHi = 0;
    }

    private void store128(boolean aligned, long lo, long hi) {
        if (aligned) {
            checkAligned();
        }
        h.probeWrite(in.segment(), ea & mask, 16);
        write(0, 8, lo);
        write(8, 8, hi);
    }

    private void set(int r, long lo, long hi) {
        x[2 * r] = lo;
        x[2 * r + 1] = hi;
    }

    private int imm8() {
        return (int) (in.imm & 0xFF);
    }

    // ================================================================ dispatch

    private int dispatch(int op, int pfx) {
        switch (op) {
            case 0x10: case 0x11: case 0x12: case 0x13: case 0x16: case 0x17:
            case 0x28: case 0x29: case 0x2B:
                return floatMoves(op, pfx);
            case 0x14: case 0x15:
                if (pfx == PF2 || pfx == PF3) {
                    return UD;
                }
                src128(true);
                ix.unpack(pfx == P66 ? 64 : 32, op == 0x15, x[2 * xr()], x[2 * xr() + 1], sLo, sHi);
                set(xr(), ix.lo, ix.hi);
                return OK;
            case 0x2A: case 0x2C: case 0x2D: case 0x2E: case 0x2F:
            case 0x51: case 0x52: case 0x53:
            case 0x58: case 0x59: case 0x5A: case 0x5B: case 0x5C: case 0x5D: case 0x5E: case 0x5F:
            case 0xC2: case 0xE6:
                return floatOps(op, pfx);
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
                break;
        }
        if ((op >= 0x60 && op <= 0x7F) || op >= 0xC4 && op <= 0xC5 || op >= 0xD0) {
            return integerOps(op, pfx);
        }
        return UD;
    }

    /** AND (0), ANDN (1), OR (2), XOR (3) of the destination with the source. */
    private void logical(int kind, long lo, long hi) {
        int r = xr();
        long dLo = x[2 * r];
        long dHi = x[2 * r + 1];
        switch (kind) {
            case 0: set(r, dLo & lo, dHi & hi); break;
            case 1: set(r, ~dLo & lo, ~dHi & hi); break;
            case 2: set(r, dLo | lo, dHi | hi); break;
            default: set(r, dLo ^ lo, dHi ^ hi); break;
        }
    }

    // ================================================================ moves

    private int floatMoves(int op, int pfx) {
        int r = xr();
        switch (op) {
            case 0x10: // MOVUPS/MOVUPD/MOVSS/MOVSD load
                if (pfx == PF3) {
                    if (mem()) {
                        set(r, read(0, 4), 0);
                    } else {
                        x[2 * r] = (x[2 * r] & 0xFFFF_FFFF_0000_0000L) | (x[2 * xm()] & 0xFFFF_FFFFL);
                    }
                } else if (pfx == PF2) {
                    if (mem()) {
                        set(r, read(0, 8), 0);
                    } else {
                        x[2 * r] = x[2 * xm()];
                    }
                } else {
                    src128(false);
                    set(r, sLo, sHi);
                }
                return OK;
            case 0x11: // stores
                if (pfx == PF3) {
                    if (mem()) {
                        write(0, 4, x[2 * r] & 0xFFFF_FFFFL);
                    } else {
                        int d = xm();
                        x[2 * d] = (x[2 * d] & 0xFFFF_FFFF_0000_0000L) | (x[2 * r] & 0xFFFF_FFFFL);
                    }
                } else if (pfx == PF2) {
                    if (mem()) {
                        write(0, 8, x[2 * r]);
                    } else {
                        x[2 * xm()] = x[2 * r];
                    }
                } else if (mem()) {
                    store128(false, x[2 * r], x[2 * r + 1]);
                } else {
                    set(xm(), x[2 * r], x[2 * r + 1]);
                }
                return OK;
            case 0x12: // MOVLPS/MOVHLPS, 66 MOVLPD
                if (pfx == PF2 || pfx == PF3 || (pfx == P66 && !mem())) {
                    return UD; // MOVDDUP/MOVSLDUP are SSE3
                }
                x[2 * r] = mem() ? read(0, 8) : x[2 * xm() + 1];
                return OK;
            case 0x13: // MOVLPS/MOVLPD m64, xmm
                if (pfx == PF2 || pfx == PF3) {
                    return UD;
                }
                requireMemory();
                write(0, 8, x[2 * r]);
                return OK;
            case 0x16: // MOVHPS/MOVLHPS, 66 MOVHPD
                if (pfx == PF2 || pfx == PF3 || (pfx == P66 && !mem())) {
                    return UD;
                }
                x[2 * r + 1] = mem() ? read(0, 8) : x[2 * xm()];
                return OK;
            case 0x17:
                if (pfx == PF2 || pfx == PF3) {
                    return UD;
                }
                requireMemory();
                write(0, 8, x[2 * r + 1]);
                return OK;
            case 0x28: // MOVAPS/MOVAPD
                if (pfx == PF2 || pfx == PF3) {
                    return UD;
                }
                src128(true);
                set(r, sLo, sHi);
                return OK;
            case 0x29:
                if (pfx == PF2 || pfx == PF3) {
                    return UD;
                }
                if (mem()) {
                    store128(true, x[2 * r], x[2 * r + 1]);
                } else {
                    set(xm(), x[2 * r], x[2 * r + 1]);
                }
                return OK;
            default: // 0x2B MOVNTPS/MOVNTPD: aligned store; the non-temporal hint has no architectural effect
                if (pfx == PF2 || pfx == PF3) {
                    return UD;
                }
                requireMemory();
                store128(true, x[2 * r], x[2 * r + 1]);
                return OK;
        }
    }

    // ================================================================ floating point

    private int floatOps(int op, int pfx) {
        int r = xr();
        boolean dbl = pfx == P66 || pfx == PF2;
        boolean scalar = pfx == PF3 || pfx == PF2;
        switch (op) {
            case 0x2A: { // CVTSI2SS/CVTSI2SD
                if (!scalar) {
                    return UD;
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
                    return UD;
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

    // ================================================================ integer

    private int integerOps(int op, int pfx) {
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
            case 0xD6: // MOVQ xmm/m64, xmm
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
    }
}
