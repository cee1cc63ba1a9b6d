package dev.hve.emulator.simd;

import dev.hve.emulator.decode.Instruction;
import dev.hve.emulator.fpu.FpuHost;
import dev.hve.emulator.fpu.FpuState;
import dev.hve.emulator.fpu.FxSave;
import dev.hve.emulator.fpu.XSave;

/**
 * Executes SSE and SSE2 instructions of the 0F map (SDM Vol. 1 ch. 10-11, Vol. 2) and the 0F AE
 * memory forms /0-/5 (FXSAVE, FXRSTOR, LDMXCSR, STMXCSR, XSAVE, XRSTOR). The interpreter passes the decoded
 * instruction and the effective address of its memory operand; the result is {@link #OK} or the
 * vector of the exception to raise: 6 #UD, 7 #NM, 13 #GP(0), 19 #XM. Memory faults propagate from
 * the {@link FpuHost} as the core's own exceptions. On any returned exception no architectural
 * state has changed except MXCSR's flags when the exception is #XM (SDM Vol. 1 §11.5.1).
 *
 * <p>Mandatory prefixes (SDM Vol. 2 §2.1.2 and appendix A.3): F3 or F2 (the last one seen) selects
 * the scalar/alternate form and wins over 66; otherwise 66 selects the packed-double/integer form.
 * The no-prefix forms of 0F 60-7F, C4, C5 and D1-FE, and EMMS, operate on MMX registers and go to
 * {@link MmxUnit}; the MMX/XMM conversions (CVTPI2PS, CVT(T)PS2PI, CVTPI2PD, CVT(T)PD2PI, MOVQ2DQ,
 * MOVDQ2Q) are SSE instructions here, with the x87-to-MMX transition.
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
    static final long CR4_OSXSAVE = 1L << 18;

    private final FpuState f;
    private final SseInteger ix = new SseInteger();
    private final MmxUnit mmx;
    private final SseMoves moves;
    private final SseFloatOps floats;
    private final SseIntegerOps ints;
    private final FxSave fxsave;
    private final XSave xsave;

    private FpuHost h;
    private Instruction in;
    private long ea;
    private long mask;
    private long cr4;

    public SimdUnit(FpuState state) {
        this.f = state;
        this.fxsave = new FxSave(state);
        this.xsave = new XSave(state, fxsave);
        this.mmx = new MmxUnit(state, ix);
        this.moves = new SseMoves(state);
        this.floats = new SseFloatOps(state, mmx);
        this.ints = new SseIntegerOps(state, ix, mmx);
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
        if ((insn.prefixes & (Instruction.P_OPSIZE | Instruction.P_REP | Instruction.P_REPNE)) == 0
            && (op == 0x77 || MmxUnit.owns(op))) {
            return mmx.execute(op, insn, effectiveAddress, host);
        }
        // SDM Vol. 2 table 2-21 ff. (exception classes for legacy SSE): #UD if CR0.EM or !CR4.OSFXSR,
        // then #NM if CR0.TS.
        if ((cr0 & CR0_EM) != 0 || (cr4 & CR4_OSFXSR) == 0) {
            return UD;
        }
        if ((cr0 & CR0_TS) != 0) {
            return NM;
        }
        int pfx = insn.lastRep == 0xF3 ? SimdOperands.PF3 : insn.lastRep == 0xF2 ? SimdOperands.PF2
            : (insn.prefixes & Instruction.P_OPSIZE) != 0 ? SimdOperands.P66 : SimdOperands.NONE;
        try {
            return dispatch(op, pfx);
        } catch (SimdOperands.Abort a) {
            return a.vector;
        }
    }

    // ================================================================ 0F AE

    private int group15(long cr0) {
        int reg = in.reg & 7;
        if (in.mod == 3 || reg > 5) {
            return UD; // not an SSE form: the interpreter keeps fences, CLFLUSH and the FSGSBASE group
        }
        if (reg >= 4) {
            return xsaveOrXrstor(reg == 4, cr0);
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

    /**
     * XSAVE/XRSTOR (SDM Vol. 2 XSAVE, XRSTOR "Protected Mode Exceptions"): #UD if CR4.OSXSAVE = 0
     * (which CPUID.1:ECX.XSAVE = 0 keeps clear) or with a 66/F2/F3 prefix (the NP encodings;
     * F3 0F AE /4 would be PTWRITE, not offered); then #NM if CR0.TS = 1 (CR0.EM is not checked);
     * then #GP(0) if the area's linear address is not 64-byte aligned. RFBM = XCR0 AND EDX:EAX.
     */
    private int xsaveOrXrstor(boolean save, long cr0) {
        if ((cr4 & CR4_OSXSAVE) == 0 || (in.prefixes & (Instruction.P_OPSIZE | Instruction.P_REP | Instruction.P_REPNE)) != 0) {
            return UD;
        }
        if ((cr0 & CR0_TS) != 0) {
            return NM;
        }
        int seg = in.segment();
        if (((h.segmentBase(seg) + ea) & 63) != 0) {
            return GP;
        }
        long xcr0 = h.xcr0();
        long rfbm = xcr0 & ((h.gpr(0) & 0xFFFF_FFFFL) | (h.gpr(2) << 32));
        boolean mode64 = in.codeSize == 8;
        if (save) {
            xsave.save(h, seg, ea, mask, rfbm, in.rexW(), mode64);
            return OK;
        }
        return xsave.restore(h, seg, ea, mask, rfbm, xcr0, in.rexW(), mode64) ? OK : GP;
    }

    // ================================================================ dispatch

    private int dispatch(int op, int pfx) {
        switch (op) {
            case 0x10: case 0x11: case 0x12: case 0x13: case 0x16: case 0x17:
            case 0x28: case 0x29: case 0x2B:
                moves.bind(in, ea, h, cr4);
                return moves.floatMoves(op, pfx);
            case 0x14: case 0x15: case 0x50: case 0x54: case 0x55: case 0x56: case 0x57: case 0xC6:
                ints.bind(in, ea, h, cr4);
                return ints.packedFloatBits(op, pfx);
            case 0x2A: case 0x2C: case 0x2D: case 0x2E: case 0x2F:
            case 0x51: case 0x52: case 0x53:
            case 0x58: case 0x59: case 0x5A: case 0x5B: case 0x5C: case 0x5D: case 0x5E: case 0x5F:
            case 0xC2: case 0xE6:
                floats.bind(in, ea, h, cr4);
                return floats.floatOps(op, pfx);
            default:
                break;
        }
        if ((op >= 0x60 && op <= 0x7F) || op >= 0xC4 && op <= 0xC5 || op >= 0xD0) {
            ints.bind(in, ea, h, cr4);
            return ints.integerOps(op, pfx);
        }
        return UD;
    }
}
