package dev.hve.emulator.fpu;

import static dev.hve.emulator.fpu.FloatCore.IE;
import static dev.hve.emulator.fpu.FpuState.FSW_C0;
import static dev.hve.emulator.fpu.FpuState.FSW_C1;
import static dev.hve.emulator.fpu.FpuState.FSW_C2;
import static dev.hve.emulator.fpu.FpuState.FSW_C3;
import static dev.hve.emulator.fpu.FpuState.FSW_CC;
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
    private final X87Remainder rem;
    private FpuHost h;
    private Instruction in;
    private long ea;
    private long addrMask;

    public X87Unit(FpuState state) {
        this.f = state;
        this.a = new X87Arith(state);
        this.env = new X87Environment(state);
        this.rem = new X87Remainder(a);
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
                    write(0, 2, f.fcw);
                    return OK;
                default: // DD
                    if (reg == 6) {
                        env.store(h, in, ea, addrMask, true);
                        return OK;
                    }
                    write(0, 2, f.statusWord());
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
                    case 0: a.fromSingle((int) read(0, 4)); return push();
                    case 2: return storeFloat(false, false);
                    case 3: return storeFloat(false, true);
                    case 4: env.load(h, in, ea, addrMask, false); return OK;
                    case 5:
                        f.fcw = (int) (read(0, 2) & 0x1F3F) | 0x40;
                        f.updateSummary();
                        return OK;
                    default: return UD;
                }
            case 0xDB:
                switch (reg) {
                    case 0: a.fromInteger((int) read(0, 4)); return push();
                    case 1: return storeInteger(32, true, true);
                    case 2: return storeInteger(32, false, false);
                    case 3: return storeInteger(32, false, true);
                    case 5: return loadExtended();
                    case 7: return storeExtended();
                    default: return UD;
                }
            case 0xDD:
                switch (reg) {
                    case 0: a.fromDouble(read(0, 8)); return push();
                    case 1: return storeInteger(64, true, true);
                    case 2: return storeFloat(true, false);
                    case 3: return storeFloat(true, true);
                    case 4: env.load(h, in, ea, addrMask, true); return OK;
                    default: return UD;
                }
            default: // DF
                switch (reg) {
                    case 0: a.fromInteger((short) read(0, 2)); return push();
                    case 1: return storeInteger(16, true, true);
                    case 2: return storeInteger(16, false, false);
                    case 3: return storeInteger(16, false, true);
                    case 5: a.fromInteger(read(0, 8)); return push();
                    case 7: return storeInteger(64, false, true);
                    default: return UD; // FBLD/FBSTP (packed BCD) are not modeled
                }
        }
    }

    /** size 4/8: m32fp/m64fp; -4/-2: m32int/m16int (FIADD and friends). */
    private int arithMemory(int reg, int size) {
        long v = read(0, Math.abs(size));
        if (size == 4) {
            a.operandSingle((int) v);
        } else if (size == 8) {
            a.operandDouble(v);
        } else {
            a.fromInteger(size == -4 ? (long) (int) v : (long) (short) v);
        }
        return binary(reg, 0, a.rSe, a.rSig, false);
    }

    // ================================================================ register forms

    private int register(int op, int reg, int i, int modrm) {
        switch (op) {
            case 0xD8:
                return binaryRegister(reg, 0, i, false);
            case 0xDC:
                if (reg == 2 || reg == 3) {
                    return binaryRegister(reg, 0, i, false); // FCOM2/FCOMP3 aliases
                }
                return binaryRegister(reg, i, i, false);
            case 0xDE:
                if (reg == 3) {
                    return modrm == 0xD9 ? compareRegister(1, true, false, 2) : UD; // FCOMPP
                }
                if (reg == 2) {
                    return compareRegister(i, true, false, 1); // FCOMP5 alias
                }
                return binaryRegister(reg, i, i, true);
            case 0xD9:
                return d9Register(reg, i, modrm);
            case 0xDA:
                if (reg < 4) {
                    return fcmov(reg, i, false);
                }
                return modrm == 0xE9 ? compareRegister(1, false, false, 2) : UD; // FUCOMPP
            case 0xDB:
                if (reg < 4) {
                    return fcmov(reg, i, true);
                }
                if (reg == 5) {
                    return compareRegister(i, false, true, 0); // FUCOMI
                }
                if (reg == 6) {
                    return compareRegister(i, true, true, 0); // FCOMI
                }
                if (modrm == 0xE0 || modrm == 0xE1 || modrm == 0xE4) {
                    return OK; // FENI/FDISI/FSETPM: no-ops since the 387 (SDM Vol. 1 §8.?; Vol. 2 opcode map)
                }
                return UD;
            case 0xDD:
                switch (reg) {
                    case 0: f.tag[f.phys(i)] = TAG_EMPTY; return OK; // FFREE
                    case 1: return fxch(i);                           // FXCH4 alias
                    case 2: return storeRegister(i, false);
                    case 3: return storeRegister(i, true);
                    case 4: return compareRegister(i, false, false, 0); // FUCOM
                    case 5: return compareRegister(i, false, false, 1); // FUCOMP
                    default: return UD;
                }
            default: // DF
                switch (reg) {
                    case 0: f.tag[f.phys(i)] = TAG_EMPTY; pop(); return OK; // FFREEP
                    case 1: return fxch(i);
                    case 2: case 3: return storeRegister(i, true);      // FSTP8/FSTP9 aliases
                    case 5: return compareRegister(i, false, true, 1);  // FUCOMIP
                    case 6: return compareRegister(i, true, true, 1);   // FCOMIP
                    default: return UD;
                }
        }
    }

    private int d9Register(int reg, int i, int modrm) {
        switch (reg) {
            case 0: { // FLD ST(i)
                if (f.empty(i)) {
                    underflow();
                    if (!a.masked(IE)) {
                        return OK;
                    }
                    a.rSe = X87Arith.INDEF_SE;
                    a.rSig = X87Arith.INDEF_SIG;
                    return push();
                }
                int r = f.phys(i);
                a.rSe = f.se[r];
                a.rSig = f.sig[r];
                return push();
            }
            case 1: return fxch(i);
            case 2: return modrm == 0xD0 ? OK : UD; // FNOP
            case 3: return storeRegister(i, true);  // FSTP1 alias
            default: break;
        }
        switch (modrm) {
            case 0xE0: return unary(0);  // FCHS
            case 0xE1: return unary(1);  // FABS
            case 0xE4: return ftst();
            case 0xE5: return fxam();
            case 0xE8: return loadConstant(0x3FFF, Long.MIN_VALUE, 0);                   // FLD1
            case 0xE9: return loadConstant(0x4000, 0xD49A_784B_CD1B_8AFEL, 0x492B_F6FF_4AFB_6E07L); // FLDL2T
            case 0xEA: return loadConstant(0x3FFF, 0xB8AA_3B29_5C17_F0BBL, 0xBE87_FED0_691D_3E88L); // FLDL2E
            case 0xEB: return loadConstant(0x4000, 0xC90F_DAA2_2168_C234L, 0xC4C6_628B_80DC_1CD1L); // FLDPI
            case 0xEC: return loadConstant(0x3FFD, 0x9A20_9A84_FBCF_F798L, 0x8F89_59AC_0B7C_9178L); // FLDLG2
            case 0xED: return loadConstant(0x3FFE, 0xB172_17F7_D1CF_79ABL, 0xC9E3_B398_03F2_F6AFL); // FLDLN2
            case 0xEE: return loadConstant(0, 0, 0);                                     // FLDZ
            case 0xF6: f.top = (f.top - 1) & 7; clearC1(); return OK; // FDECSTP
            case 0xF7: f.top = (f.top + 1) & 7; clearC1(); return OK; // FINCSTP
            case 0xF4: return fxtract();
            case 0xF5: return fprem(true);
            case 0xF8: return fprem(false);
            case 0xFA: return sqrt();
            case 0xFC: return frndint();
            case 0xFD: return fscale();
            default:
                // F2XM1, FYL2X, FPTAN, FPATAN, FYL2XP1, FSINCOS, FSIN, FCOS are not modeled:
                // #UD rather than a wrong answer.
                return UD;
        }
    }

    // ================================================================ operations

    /**
     * ST(dst) = x op y for the arithmetic ModRM.reg encodings, where x = ST(0) and y = the other
     * operand: /0 add, /1 mul, /2 FCOM, /3 FCOMP, /4 x-y, /5 y-x, /6 x/y, /7 y/x. With a register
     * destination ST(i) (DC/DE) the SDM names /4 "FSUBR ST(i),ST(0)" and /5 "FSUB ST(i),ST(0)", which
     * compute exactly these expressions (SDM Vol. 2 FSUB/FSUBR, FDIV/FDIVR).
     */
    private int binary(int reg, int dst, int ySe, long ySig, boolean popAfter) {
        if (f.empty(0)) {
            underflow();
            if (reg == 2 || reg == 3) {
                setCc(X87Arith.CMP_UNORDERED);
                if (reg == 3 && a.masked(IE)) {
                    pop();
                }
                return OK;
            }
            return deliverIndefinite(dst, popAfter);
        }
        int r0 = f.phys(0);
        int xSe = f.se[r0];
        long xSig = f.sig[r0];
        if (reg == 2 || reg == 3) {
            int cmp = a.compare(xSe, xSig, ySe, ySig, true);
            setCc(cmp);
            if (reg == 3 && a.storeAllowed()) {
                pop();
            }
            return OK;
        }
        boolean ok;
        switch (reg) {
            case 0: ok = a.arith(X87Arith.OP_ADD, xSe, xSig, ySe, ySig); break;
            case 1: ok = a.arith(X87Arith.OP_MUL, xSe, xSig, ySe, ySig); break;
            case 4: ok = a.arith(X87Arith.OP_SUB, xSe, xSig, ySe, ySig); break;
            case 5: ok = a.arith(X87Arith.OP_SUB, ySe, ySig, xSe, xSig); break;
            case 6: ok = a.arith(X87Arith.OP_DIV, xSe, xSig, ySe, ySig); break;
            default: ok = a.arith(X87Arith.OP_DIV, ySe, ySig, xSe, xSig); break;
        }
        if (!ok) {
            return OK;
        }
        f.setSt(dst, a.rSe, a.rSig);
        setC1(a.c1);
        if (popAfter) {
            pop();
        }
        return OK;
    }

    private int binaryRegister(int reg, int dst, int i, boolean popAfter) {
        if (reg == 2 || reg == 3) {
            return compareRegister(i, true, false, reg == 3 ? 1 : 0);
        }
        if (f.empty(i)) {
            if (!f.empty(0)) {
                underflow();
                return deliverIndefinite(dst, popAfter);
            }
        }
        int ri = f.phys(i);
        return binary(reg, dst, f.se[ri], f.sig[ri], popAfter);
    }

    private int deliverIndefinite(int dst, boolean popAfter) {
        if (a.masked(IE)) {
            f.setSt(dst, X87Arith.INDEF_SE, X87Arith.INDEF_SIG);
            if (popAfter) {
                pop();
            }
        }
        return OK;
    }

    /**
     * FCOM/FUCOM/FCOMI/FUCOMI and their popping forms. {@code eflags}: FCOMI-style result in
     * ZF/PF/CF with OF/SF/AF cleared (SDM Vol. 2 FCOMI); else C3/C2/C0.
     */
    private int compareRegister(int i, boolean signalQnan, boolean eflags, int pops) {
        int cmp;
        if (f.empty(0) || f.empty(i)) {
            underflow();
            cmp = X87Arith.CMP_UNORDERED;
        } else {
            int r0 = f.phys(0);
            int ri = f.phys(i);
            cmp = a.compare(f.se[r0], f.sig[r0], f.se[ri], f.sig[ri], signalQnan);
        }
        // The condition codes (or ZF/PF/CF) are written even when the exception is unmasked; the
        // stack is popped only when no unmasked exception was raised (oracle host).
        boolean popAllowed = a.storeAllowed();
        if (eflags) {
            long fl = h.rflags() & ~(0x8D5L); // clear OF SF ZF AF PF CF
            switch (cmp) {
                case X87Arith.CMP_LT: fl |= 1; break;
                case X87Arith.CMP_EQ: fl |= 0x40; break;
                case X87Arith.CMP_UNORDERED: fl |= 0x45; break;
                default: break;
            }
            h.setRflags(fl);
            clearC1();
        } else {
            setCc(cmp);
        }
        if (popAllowed) {
            for (int k = 0; k < pops; k++) {
                pop();
            }
        }
        return OK;
    }

    private void setCc(int cmp) {
        f.fsw &= ~FSW_CC;
        switch (cmp) {
            case X87Arith.CMP_LT: f.fsw |= FSW_C0; break;
            case X87Arith.CMP_EQ: f.fsw |= FSW_C3; break;
            case X87Arith.CMP_UNORDERED: f.fsw |= FSW_C3 | FSW_C2 | FSW_C0; break;
            default: break;
        }
    }

    private int ftst() {
        if (f.empty(0)) {
            underflow();
            setCc(X87Arith.CMP_UNORDERED);
            return OK;
        }
        int r0 = f.phys(0);
        setCc(a.compare(f.se[r0], f.sig[r0], 0, 0, true));
        return OK;
    }

    /** FXAM: C3,C2,C0 classify ST(0), C1 its sign (SDM Vol. 2 FXAM table). */
    private int fxam() {
        int r0 = f.phys(0);
        int se = f.se[r0];
        long sig = f.sig[r0];
        f.fsw &= ~FSW_CC;
        if ((se & 0x8000) != 0) {
            f.fsw |= FSW_C1;
        }
        if (f.tag[r0] == TAG_EMPTY) {
            f.fsw |= FSW_C3 | FSW_C0;
            return OK;
        }
        switch (X87Arith.classify(se, sig)) {
            case X87Arith.CL_UNSUPPORTED: break;
            case X87Arith.CL_QNAN: case X87Arith.CL_SNAN: f.fsw |= FSW_C0; break;
            case X87Arith.CL_NORMAL: f.fsw |= FSW_C2; break;
            case X87Arith.CL_INF: f.fsw |= FSW_C2 | FSW_C0; break;
            case X87Arith.CL_ZERO: f.fsw |= FSW_C3; break;
            default: f.fsw |= FSW_C3 | FSW_C2; break; // denormal
        }
        return OK;
    }

    /** FCHS (kind 0) and FABS (kind 1): sign operations, never arithmetic exceptions besides #IS. */
    private int unary(int kind) {
        if (f.empty(0)) {
            underflow();
            return deliverIndefinite(0, false);
        }
        int r0 = f.phys(0);
        f.se[r0] = kind == 0 ? f.se[r0] ^ 0x8000 : f.se[r0] & 0x7FFF;
        clearC1();
        return OK;
    }

    private int sqrt() {
        if (f.empty(0)) {
            underflow();
            return deliverIndefinite(0, false);
        }
        int r0 = f.phys(0);
        if (a.sqrt(f.se[r0], f.sig[r0])) {
            f.setSt(0, a.rSe, a.rSig);
            setC1(a.c1);
        }
        return OK;
    }

    private int frndint() {
        if (f.empty(0)) {
            underflow();
            return deliverIndefinite(0, false);
        }
        int r0 = f.phys(0);
        if (a.roundToIntegral(f.se[r0], f.sig[r0])) {
            f.setSt(0, a.rSe, a.rSig);
            setC1(a.c1);
        }
        return OK;
    }

    /**
     * FPREM/FPREM1: C2 set after a partial reduction; after a complete one C0, C3, C1 hold quotient
     * bits 2, 1, 0 (SDM Vol. 2 FPREM).
     */
    private int fprem(boolean ieee) {
        if (f.empty(0) || f.empty(1)) {
            underflow();
            return deliverIndefinite(0, false);
        }
        int r0 = f.phys(0);
        int r1 = f.phys(1);
        if (!rem.remainder(f.se[r0], f.sig[r0], f.se[r1], f.sig[r1], ieee)) {
            return OK;
        }
        f.setSt(0, a.rSe, a.rSig);
        f.fsw &= ~FSW_CC;
        if ((a.exc & IE) != 0) {
            return OK;
        }
        if (rem.quotient < 0) {
            f.fsw |= FSW_C2;
        } else {
            int q = rem.quotient;
            f.fsw |= ((q & 4) != 0 ? FSW_C0 : 0) | ((q & 2) != 0 ? FSW_C3 : 0) | ((q & 1) != 0 ? FSW_C1 : 0);
        }
        return OK;
    }

    /**
     * FXTRACT: ST(0) becomes the exponent (as a value) and the significand (exponent 0) is pushed
     * (SDM Vol. 2 FXTRACT): zero gives ST(1) = -inf with #Z; infinity gives +inf and the infinity.
     */
    private int fxtract() {
        if (f.empty(0)) {
            underflow();
            if (a.masked(IE)) {
                f.setSt(0, X87Arith.INDEF_SE, X87Arith.INDEF_SIG);
                a.rSe = X87Arith.INDEF_SE;
                a.rSig = X87Arith.INDEF_SIG;
                return push();
            }
            return OK;
        }
        if (!f.empty(7)) {
            a.exc |= IE;
            f.fsw |= FSW_SF | FSW_C1;
            if (a.masked(IE)) {
                f.setSt(0, X87Arith.INDEF_SE, X87Arith.INDEF_SIG);
                f.top = (f.top - 1) & 7;
                f.setSt(0, X87Arith.INDEF_SE, X87Arith.INDEF_SIG);
            }
            return OK;
        }
        int r0 = f.phys(0);
        int se = f.se[r0];
        long sig = f.sig[r0];
        int cl = X87Arith.classify(se, sig);
        int expSe;
        long expSig;
        int sigSe;
        long sigSig;
        switch (cl) {
            case X87Arith.CL_UNSUPPORTED:
            case X87Arith.CL_SNAN:
            case X87Arith.CL_QNAN:
                a.arith(X87Arith.OP_ADD, se, sig, se, sig);
                if (!a.storeAllowed()) {
                    return OK;
                }
                expSe = sigSe = a.rSe;
                expSig = sigSig = a.rSig;
                break;
            case X87Arith.CL_ZERO:
                a.exc |= FloatCore.ZE;
                if (!a.storeAllowed()) {
                    return OK;
                }
                expSe = 0xFFFF;
                expSig = Long.MIN_VALUE;
                sigSe = se;
                sigSig = 0;
                break;
            case X87Arith.CL_INF:
                expSe = 0x7FFF;
                expSig = Long.MIN_VALUE;
                sigSe = se;
                sigSig = sig;
                break;
            default:
                if (cl == X87Arith.CL_DENORMAL) {
                    a.exc |= FloatCore.DE;
                    if (!a.storeAllowed()) {
                        return OK;
                    }
                }
                a.c.unpack80(se, sig);
                a.fromInteger(a.c.uExp);
                expSe = a.rSe;
                expSig = a.rSig;
                sigSe = (se & 0x8000) | 0x3FFF;
                sigSig = a.c.uSig;
                break;
        }
        f.setSt(0, expSe, expSig);
        f.top = (f.top - 1) & 7;
        f.setSt(0, sigSe, sigSig);
        clearC1();
        return OK;
    }

    private int fscale() {
        if (f.empty(0) || f.empty(1)) {
            underflow();
            return deliverIndefinite(0, false);
        }
        int r0 = f.phys(0);
        int r1 = f.phys(1);
        if (a.scale(f.se[r0], f.sig[r0], f.se[r1], f.sig[r1])) {
            f.setSt(0, a.rSe, a.rSig);
            setC1(a.c1);
        }
        return OK;
    }

    /** FXCH: an empty operand is replaced by the indefinite when #IS is masked (SDM Vol. 2 FXCH). */
    private int fxch(int i) {
        int r0 = f.phys(0);
        int ri = f.phys(i);
        if (f.tag[r0] == TAG_EMPTY || f.tag[ri] == TAG_EMPTY) {
            underflow();
            if (!a.masked(IE)) {
                return OK;
            }
            if (f.tag[r0] == TAG_EMPTY) {
                f.setSt(0, X87Arith.INDEF_SE, X87Arith.INDEF_SIG);
            }
            if (f.tag[ri] == TAG_EMPTY) {
                f.setSt(i, X87Arith.INDEF_SE, X87Arith.INDEF_SIG);
            }
        }
        int se = f.se[r0];
        long sig = f.sig[r0];
        int tg = f.tag[r0];
        f.se[r0] = f.se[ri];
        f.sig[r0] = f.sig[ri];
        f.tag[r0] = f.tag[ri];
        f.se[ri] = se;
        f.sig[ri] = sig;
        f.tag[ri] = tg;
        clearC1();
        return OK;
    }

    /** FCMOVcc (SDM Vol. 2 FCMOVcc): DA C0-DF test B/E/BE/U; DB C0-DF their negations. */
    private int fcmov(int cc, int i, boolean negate) {
        long fl = h.rflags();
        boolean cond;
        switch (cc) {
            case 0: cond = (fl & 1) != 0; break;               // B: CF
            case 1: cond = (fl & 0x40) != 0; break;            // E: ZF
            case 2: cond = (fl & 0x41) != 0; break;            // BE: CF or ZF
            default: cond = (fl & 4) != 0; break;              // U: PF
        }
        if (negate) {
            cond = !cond;
        }
        if (f.empty(0) || f.empty(i)) {
            underflow();
            return deliverIndefinite(0, false);
        }
        if (cond) {
            int ri = f.phys(i);
            f.setSt(0, f.se[ri], f.sig[ri]);
        }
        clearC1();
        return OK;
    }

    /**
     * FLD1/FLDL2T/FLDL2E/FLDPI/FLDLG2/FLDLN2/FLDZ: the constant's 64-bit significand plus the next
     * bits of its exact value, rounded by FCW.RC; no precision exception (SDM Vol. 1 §8.3.7, Vol. 2
     * FLD1/FLDL2T/...: "rounding control ... affects these constants", and "#P is not raised").
     */
    private int loadConstant(int se, long sig, long next) {
        if (next != 0) {
            int rc = f.rc();
            boolean up = rc == FloatCore.RC_UP || (rc == FloatCore.RC_NEAREST && next < 0);
            if (up) {
                sig++;
            }
        }
        a.rSe = se;
        a.rSig = sig;
        return push();
    }

    // ================================================================ loads and stores

    private int loadExtended() {
        long sig = read(0, 8);
        int se = (int) read(8, 2);
        a.rSe = se;
        a.rSig = sig;
        return push();
    }

    /** Pushes rSe/rSig onto the stack, or reports stack overflow (SDM Vol. 1 §8.5.1.1). */
    private int push() {
        // A load completes despite an unmasked #D (oracle host: TOP moves and the value is loaded);
        // an unmasked #IA (SNaN source) suppresses it.
        if ((a.exc & IE) != 0 && !a.masked(IE)) {
            return OK;
        }
        int slot = (f.top - 1) & 7;
        if (f.tag[slot] != TAG_EMPTY) {
            a.exc |= IE;
            f.fsw |= FSW_SF | FSW_C1;
            if (!a.masked(IE)) {
                return OK;
            }
            a.rSe = X87Arith.INDEF_SE;
            a.rSig = X87Arith.INDEF_SIG;
        } else {
            clearC1();
        }
        f.top = slot;
        f.setSt(0, a.rSe, a.rSig);
        return OK;
    }

    private void pop() {
        f.tag[f.top] = TAG_EMPTY;
        f.top = (f.top + 1) & 7;
    }

    private void underflow() {
        a.exc |= IE;
        f.fsw = (f.fsw | FSW_SF) & ~FSW_C1;
    }

    private void clearC1() {
        f.fsw &= ~FSW_C1;
    }

    private void setC1(boolean v) {
        f.fsw = v ? f.fsw | FSW_C1 : f.fsw & ~FSW_C1;
    }

    private int storeFloat(boolean isDouble, boolean popAfter) {
        int size = isDouble ? 8 : 4;
        if (f.empty(0)) {
            underflow();
            if (a.masked(IE)) {
                write(0, size, isDouble ? 0xFFF8_0000_0000_0000L : 0xFFC0_0000L);
                if (popAfter) {
                    pop();
                }
            }
            return OK;
        }
        int r0 = f.phys(0);
        if (!a.toFloat(f.se[r0], f.sig[r0], isDouble)) {
            return OK;
        }
        write(0, size, a.outBits);
        setC1(a.c1);
        if (popAfter) {
            pop();
        }
        return OK;
    }

    private int storeExtended() {
        if (f.empty(0)) {
            underflow();
            if (a.masked(IE)) {
                probe(10);
                write(0, 8, X87Arith.INDEF_SIG);
                write(8, 2, X87Arith.INDEF_SE);
                pop();
            }
            return OK;
        }
        int r0 = f.phys(0);
        probe(10);
        write(0, 8, f.sig[r0]);
        write(8, 2, f.se[r0]);
        clearC1();
        pop();
        return OK;
    }

    private int storeInteger(int bits, boolean truncate, boolean popAfter) {
        int size = bits / 8;
        if (f.empty(0)) {
            underflow();
            if (a.masked(IE)) {
                write(0, size, 1L << (bits - 1));
                if (popAfter) {
                    pop();
                }
            }
            return OK;
        }
        int r0 = f.phys(0);
        if (!a.toInteger(f.se[r0], f.sig[r0], bits, truncate)) {
            return OK;
        }
        write(0, size, a.outBits);
        setC1(a.c1);
        if (popAfter) {
            pop();
        }
        return OK;
    }

    /** FST/FSTP ST(i): copies without rounding or exceptions beyond #IS (SDM Vol. 2 FST). */
    private int storeRegister(int i, boolean popAfter) {
        if (f.empty(0)) {
            underflow();
            if (a.masked(IE)) {
                f.setSt(i, X87Arith.INDEF_SE, X87Arith.INDEF_SIG);
                if (popAfter) {
                    pop();
                }
            }
            return OK;
        }
        int r0 = f.phys(0);
        f.setSt(i, f.se[r0], f.sig[r0]);
        clearC1();
        if (popAfter) {
            pop();
        }
        return OK;
    }

    private long read(int offset, int size) {
        return h.read(in.segment(), (ea + offset) & addrMask, size);
    }

    private void write(int offset, int size, long v) {
        h.write(in.segment(), (ea + offset) & addrMask, size, v);
    }

    private void probe(int size) {
        h.probeWrite(in.segment(), ea & addrMask, size);
    }
}
