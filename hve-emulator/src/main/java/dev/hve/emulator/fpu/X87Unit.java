package dev.hve.emulator.fpu;

import static dev.hve.emulator.fpu.FloatCore.IE;
import static dev.hve.emulator.fpu.FpuState.FSW_SF;
import static dev.hve.emulator.fpu.FpuState.TAG_EMPTY;

import dev.hve.emulator.decode.Instruction;

/**
 * Executes the x87 escape opcodes D8-DF and FWAIT (SDM Vol. 1 ch. 8, Vol. 2 "F" instructions,
 * opcode map Vol. 2 appendix A.4). The interpreter calls {@link #execute} with the decoded
 * instruction and its memory operand's effective address; the return value is {@link #OK} or the
 * exception vector to raise (with no error code): 6 #UD, 7 #NM, 16 #MF. Memory faults propagate
 * from the {@link FpuHost} as the core's own exceptions.
 *
 * <p>An unmasked numeric exception raised here is only recorded (FSW.ES); it becomes #MF at the
 * next waiting x87 instruction (SDM Vol. 1 §8.6 "deferred" exception reporting).
 */
public final class X87Unit {

    public static final int OK = -1;
    public static final int UD = 6;
    public static final int NM = 7;
    public static final int MF = 16;

    static final long CR0_MP = 1L << 1;
    static final long CR0_EM = 1L << 2;
    static final long CR0_TS = 1L << 3;
    static final long CR0_NE = 1L << 5;
    static final int CS = 1;

    private final FpuState f;
    private final X87Arith a;
    private final X87Environment env;
    private final X87Ops ops;
    private FpuHost h;
    private Instruction in;
    private long ea;
    private long addrMask;

    public X87Unit(FpuState state) {
        this.f = state;
        this.a = new X87Arith(state);
        this.env = new X87Environment(state);
        this.ops = new X87Ops(state, a);
    }

    public FpuState state() {
        return f;
    }

    /**
     * FWAIT/WAIT (9B): #NM when CR0.MP and CR0.TS are both set (SDM Vol. 3A table 2-2), then any
     * pending unmasked x87 exception.
     */
    public int fwait(FpuHost host) {
        long cr0 = host.cr0();
        if ((cr0 & (CR0_MP | CR0_TS)) == (CR0_MP | CR0_TS)) {
            return NM;
        }
        return pending(cr0);
    }

    /**
     * A pending unmasked exception (FSW.ES) is reported as #MF when CR0.NE=1 (SDM Vol. 3A §6.15
     * interrupt 16). With CR0.NE=0 the PC-style FERR#/IGNNE# path would signal an external
     * interrupt; this core has no FERR# line, so it behaves as if IGNNE# were asserted and continues.
     */
    private int pending(long cr0) {
        if ((f.fsw & FpuState.FSW_ES) != 0 && (cr0 & CR0_NE) != 0) {
            return MF;
        }
        return OK;
    }

    /**
     * Executes one D8-DF instruction. {@code effectiveAddress} is the memory operand's offset (wrapped
     * to the address size), ignored for register forms.
     */
    public int execute(Instruction insn, long effectiveAddress, FpuHost host) {
        long cr0 = host.cr0();
        // SDM Vol. 3A table 2-2: EM=1 or TS=1 makes every x87 instruction raise #NM.
        if ((cr0 & (CR0_EM | CR0_TS)) != 0) {
            return NM;
        }
        this.h = host;
        this.in = insn;
        this.ea = effectiveAddress;
        this.addrMask = insn.addrSize == 8 ? -1L : insn.addrSize == 4 ? 0xFFFF_FFFFL : 0xFFFF;
        ops.bind(host, insn, effectiveAddress, addrMask);
        int op = insn.opcode & 0xFF;
        int reg = insn.reg & 7;
        boolean mem = insn.mod != 3;
        int modrm = (insn.mod << 6) | (reg << 3) | (insn.rm & 7);
        if (!waitsFor(op, reg, mem, modrm)) {
            int r = nonWaiting(op, reg, mem, modrm);
            if (r != Integer.MIN_VALUE) {
                return r;
            }
        }
        int p = pending(cr0);
        if (p != OK) {
            return p;
        }
        a.exc = 0;
        a.c1 = false;
        int savedFsw = f.fsw;
        int r;
        try {
            r = mem ? memory(op, reg) : register(op, reg, insn.rm & 7, modrm);
        } catch (RuntimeException memoryFault) {
            // A #PF/#GP on the memory operand: the stack-fault bits set on the way are undone (every
            // other change happens after the last memory access).
            f.fsw = savedFsw;
            throw memoryFault;
        }
        if (r != OK) {
            return r;
        }
        if (!control(op, reg, mem)) {
            // Non-control instructions record their address and opcode (SDM Vol. 1 §8.1.8, §8.1.9).
            // Done last, so that an instruction that faults on its memory operand changes nothing.
            f.fip = host.instructionPointer();
            f.fcs = host.selector(CS);
            f.fop = ((op & 7) << 8) | modrm;
            if (mem) {
                f.fdp = effectiveAddress;
                f.fds = host.selector(insn.segment());
            }
        }
        f.fsw |= a.exc & 0x3F;
        f.updateSummary();
        return r;
    }

    /** The non-waiting control instructions (FN*) skip the pending-exception check (SDM Vol. 1 §8.3.11). */
    private boolean waitsFor(int op, int reg, boolean mem, int modrm) {
        if (mem) {
            return !((op == 0xD9 && (reg == 6 || reg == 7)) || (op == 0xDD && (reg == 6 || reg == 7)));
        }
        return !((op == 0xDB && (modrm == 0xE2 || modrm == 0xE3)) || (op == 0xDF && modrm == 0xE0));
    }

    private int nonWaiting(int op, int reg, boolean mem, int modrm) {
        if (mem) {
            switch (op) {
                case 0xD9:
                    if (reg == 6) {
                        env.store(h, in, ea, addrMask, false);
                        return OK;
                    }
                    ops.write(0, 2, f.fcw);
                    return OK;
                default: // DD
                    if (reg == 6) {
                        env.store(h, in, ea, addrMask, true);
                        return OK;
                    }
                    ops.write(0, 2, f.statusWord());
                    return OK;
            }
        }
        if (modrm == 0xE2) {
            f.fsw &= ~(0x3F | FSW_SF | FpuState.FSW_ES | FpuState.FSW_B); // FNCLEX
            return OK;
        }
        if (modrm == 0xE3) {
            f.init(); // FNINIT
            return OK;
        }
        if (op == 0xDF && modrm == 0xE0) {
            h.setGpr(0, (h.gpr(0) & ~0xFFFFL) | f.statusWord()); // FNSTSW AX
            return OK;
        }
        return Integer.MIN_VALUE;
    }

    /** Control instructions leave FIP/FDP/FOP alone (SDM Vol. 1 §8.1.8). */
    private static boolean control(int op, int reg, boolean mem) {
        if (mem) {
            return (op == 0xD9 && reg >= 4) || (op == 0xDD && reg >= 4);
        }
        return false;
    }

    // ================================================================ memory forms

    private int memory(int op, int reg) {
        switch (op) {
            case 0xD8: return arithMemory(reg, 4);
            case 0xDC: return arithMemory(reg, 8);
            case 0xDA: return arithMemory(reg, -4);
            case 0xDE: return arithMemory(reg, -2);
            case 0xD9:
                switch (reg) {
                    case 0: a.fromSingle((int) ops.read(0, 4)); return ops.push();
                    case 2: return ops.storeFloat(false, false);
                    case 3: return ops.storeFloat(false, true);
                    case 4: env.load(h, in, ea, addrMask, false); return OK;
                    case 5:
                        f.fcw = (int) (ops.read(0, 2) & 0x1F3F) | 0x40;
                        f.updateSummary();
                        return OK;
                    default: return UD;
                }
            case 0xDB:
                switch (reg) {
                    case 0: a.fromInteger((int) ops.read(0, 4)); return ops.push();
                    case 1: return ops.storeInteger(32, true, true);
                    case 2: return ops.storeInteger(32, false, false);
                    case 3: return ops.storeInteger(32, false, true);
                    case 5: return ops.loadExtended();
                    case 7: return ops.storeExtended();
                    default: return UD;
                }
            case 0xDD:
                switch (reg) {
                    case 0: a.fromDouble(ops.read(0, 8)); return ops.push();
                    case 1: return ops.storeInteger(64, true, true);
                    case 2: return ops.storeFloat(true, false);
                    case 3: return ops.storeFloat(true, true);
                    case 4: env.load(h, in, ea, addrMask, true); return OK;
                    default: return UD;
                }
            default: // DF
                switch (reg) {
                    case 0: a.fromInteger((short) ops.read(0, 2)); return ops.push();
                    case 1: return ops.storeInteger(16, true, true);
                    case 2: return ops.storeInteger(16, false, false);
                    case 3: return ops.storeInteger(16, false, true);
                    case 5: a.fromInteger(ops.read(0, 8)); return ops.push();
                    case 7: return ops.storeInteger(64, false, true);
                    default: return UD; // FBLD/FBSTP (packed BCD) are not modeled
                }
        }
    }

    /** size 4/8: m32fp/m64fp; -4/-2: m32int/m16int (FIADD and friends). */
    private int arithMemory(int reg, int size) {
        long v = ops.read(0, Math.abs(size));
        if (size == 4) {
            a.operandSingle((int) v);
        } else if (size == 8) {
            a.operandDouble(v);
        } else {
            a.fromInteger(size == -4 ? (long) (int) v : (long) (short) v);
        }
        return ops.binary(reg, 0, a.rSe, a.rSig, false);
    }

    // ================================================================ register forms

    private int register(int op, int reg, int i, int modrm) {
        switch (op) {
            case 0xD8:
                return ops.binaryRegister(reg, 0, i, false);
            case 0xDC:
                if (reg == 2 || reg == 3) {
                    return ops.binaryRegister(reg, 0, i, false); // FCOM2/FCOMP3 aliases
                }
                return ops.binaryRegister(reg, i, i, false);
            case 0xDE:
                if (reg == 3) {
                    return modrm == 0xD9 ? ops.compareRegister(1, true, false, 2) : UD; // FCOMPP
                }
                if (reg == 2) {
                    return ops.compareRegister(i, true, false, 1); // FCOMP5 alias
                }
                return ops.binaryRegister(reg, i, i, true);
            case 0xD9:
                return d9Register(reg, i, modrm);
            case 0xDA:
                if (reg < 4) {
                    return ops.fcmov(reg, i, false);
                }
                return modrm == 0xE9 ? ops.compareRegister(1, false, false, 2) : UD; // FUCOMPP
            case 0xDB:
                if (reg < 4) {
                    return ops.fcmov(reg, i, true);
                }
                if (reg == 5) {
                    return ops.compareRegister(i, false, true, 0); // FUCOMI
                }
                if (reg == 6) {
                    return ops.compareRegister(i, true, true, 0); // FCOMI
                }
                if (modrm == 0xE0 || modrm == 0xE1 || modrm == 0xE4) {
                    return OK; // FENI/FDISI/FSETPM: no-ops since the 387 (SDM Vol. 1 §8.?; Vol. 2 opcode map)
                }
                return UD;
            case 0xDD:
                switch (reg) {
                    case 0: f.tag[f.phys(i)] = TAG_EMPTY; return OK; // FFREE
                    case 1: return ops.fxch(i);                           // FXCH4 alias
                    case 2: return ops.storeRegister(i, false);
                    case 3: return ops.storeRegister(i, true);
                    case 4: return ops.compareRegister(i, false, false, 0); // FUCOM
                    case 5: return ops.compareRegister(i, false, false, 1); // FUCOMP
                    default: return UD;
                }
            default: // DF
                switch (reg) {
                    case 0: f.tag[f.phys(i)] = TAG_EMPTY; ops.pop(); return OK; // FFREEP
                    case 1: return ops.fxch(i);
                    case 2: case 3: return ops.storeRegister(i, true);      // FSTP8/FSTP9 aliases
                    case 5: return ops.compareRegister(i, false, true, 1);  // FUCOMIP
                    case 6: return ops.compareRegister(i, true, true, 1);   // FCOMIP
                    default: return UD;
                }
        }
    }

    private int d9Register(int reg, int i, int modrm) {
        switch (reg) {
            case 0: { // FLD ST(i)
                if (f.empty(i)) {
                    ops.underflow();
                    if (!a.masked(IE)) {
                        return OK;
                    }
                    a.rSe = X87Arith.INDEF_SE;
                    a.rSig = X87Arith.INDEF_SIG;
                    return ops.push();
                }
                int r = f.phys(i);
                a.rSe = f.se[r];
                a.rSig = f.sig[r];
                return ops.push();
            }
            case 1: return ops.fxch(i);
            case 2: return modrm == 0xD0 ? OK : UD; // FNOP
            case 3: return ops.storeRegister(i, true);  // FSTP1 alias
            default: break;
        }
        switch (modrm) {
            case 0xE0: return ops.unary(0);  // FCHS
            case 0xE1: return ops.unary(1);  // FABS
            case 0xE4: return ops.ftst();
            case 0xE5: return ops.fxam();
            case 0xE8: return ops.loadConstant(0x3FFF, Long.MIN_VALUE, 0);                   // FLD1
            case 0xE9: return ops.loadConstant(0x4000, 0xD49A_784B_CD1B_8AFEL, 0x492B_F6FF_4AFB_6E07L); // FLDL2T
            case 0xEA: return ops.loadConstant(0x3FFF, 0xB8AA_3B29_5C17_F0BBL, 0xBE87_FED0_691D_3E88L); // FLDL2E
            case 0xEB: return ops.loadConstant(0x4000, 0xC90F_DAA2_2168_C234L, 0xC4C6_628B_80DC_1CD1L); // FLDPI
            case 0xEC: return ops.loadConstant(0x3FFD, 0x9A20_9A84_FBCF_F798L, 0x8F89_59AC_0B7C_9178L); // FLDLG2
            case 0xED: return ops.loadConstant(0x3FFE, 0xB172_17F7_D1CF_79ABL, 0xC9E3_B398_03F2_F6AFL); // FLDLN2
            case 0xEE: return ops.loadConstant(0, 0, 0);                                     // FLDZ
            case 0xF6: f.top = (f.top - 1) & 7; ops.clearC1(); return OK; // FDECSTP
            case 0xF7: f.top = (f.top + 1) & 7; ops.clearC1(); return OK; // FINCSTP
            case 0xF4: return ops.fxtract();
            case 0xF5: return ops.fprem(true);
            case 0xF8: return ops.fprem(false);
            case 0xFA: return ops.sqrt();
            case 0xFC: return ops.frndint();
            case 0xFD: return ops.fscale();
            default:
                // F2XM1, FYL2X, FPTAN, FPATAN, FYL2XP1, FSINCOS, FSIN, FCOS are not modeled:
                // #UD rather than a wrong answer.
                return UD;
        }
    }
}
