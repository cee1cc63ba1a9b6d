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
 * The x87 operations that {@link X87Unit} dispatches to: the register stack discipline (push, pop,
 * stack overflow/underflow, SDM Vol. 1 §8.5.1.1), arithmetic, compares, classification, loads and
 * stores with their masked responses, and the condition-code updates (§8.1.3).
 */
final class X87Ops {

    static final int OK = X87Unit.OK;
    static final int UD = X87Unit.UD;

    private final FpuState f;
    private final X87Arith a;
    private final X87Remainder rem;
    private FpuHost h;
    private Instruction in;
    private long ea;
    private long addrMask;

    X87Ops(FpuState f, X87Arith a) {
        this.f = f;
        this.a = a;
        this.rem = new X87Remainder(a);
    }

    void bind(FpuHost host, Instruction insn, long effectiveAddress, long mask) {
        this.h = host;
        this.in = insn;
        this.ea = effectiveAddress;
        this.addrMask = mask;
    }

    /**
     * ST(dst) = x op y for the arithmetic ModRM.reg encodings, where x = ST(0) and y = the other
     * operand: /0 add, /1 mul, /2 FCOM, /3 FCOMP, /4 x-y, /5 y-x, /6 x/y, /7 y/x. With a register
     * destination ST(i) (DC/DE) the SDM names /4 "FSUBR ST(i),ST(0)" and /5 "FSUB ST(i),ST(0)", which
     * compute exactly these expressions (SDM Vol. 2 FSUB/FSUBR, FDIV/FDIVR).
     */
    int binary(int reg, int dst, int ySe, long ySig, boolean popAfter) {
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

    int binaryRegister(int reg, int dst, int i, boolean popAfter) {
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

    int deliverIndefinite(int dst, boolean popAfter) {
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
    int compareRegister(int i, boolean signalQnan, boolean eflags, int pops) {
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

    void setCc(int cmp) {
        f.fsw &= ~FSW_CC;
        switch (cmp) {
            case X87Arith.CMP_LT: f.fsw |= FSW_C0; break;
            case X87Arith.CMP_EQ: f.fsw |= FSW_C3; break;
            case X87Arith.CMP_UNORDERED: f.fsw |= FSW_C3 | FSW_C2 | FSW_C0; break;
            default: break;
        }
    }

    int ftst() {
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
    int fxam() {
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
    int unary(int kind) {
        if (f.empty(0)) {
            underflow();
            return deliverIndefinite(0, false);
        }
        int r0 = f.phys(0);
        f.se[r0] = kind == 0 ? f.se[r0] ^ 0x8000 : f.se[r0] & 0x7FFF;
        clearC1();
        return OK;
    }

    int sqrt() {
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

    int frndint() {
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
    int fprem(boolean ieee) {
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
    int fxtract() {
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

    int fscale() {
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
    int fxch(int i) {
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
    int fcmov(int cc, int i, boolean negate) {
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
    int loadConstant(int se, long sig, long next) {
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

    int loadExtended() {
        long sig = read(0, 8);
        int se = (int) read(8, 2);
        a.rSe = se;
        a.rSig = sig;
        return push();
    }

    /** Pushes rSe/rSig onto the stack, or reports stack overflow (SDM Vol. 1 §8.5.1.1). */
    int push() {
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

    void pop() {
        f.tag[f.top] = TAG_EMPTY;
        f.top = (f.top + 1) & 7;
    }

    void underflow() {
        a.exc |= IE;
        f.fsw = (f.fsw | FSW_SF) & ~FSW_C1;
    }

    void clearC1() {
        f.fsw &= ~FSW_C1;
    }

    void setC1(boolean v) {
        f.fsw = v ? f.fsw | FSW_C1 : f.fsw & ~FSW_C1;
    }

    int storeFloat(boolean isDouble, boolean popAfter) {
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

    int storeExtended() {
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

    int storeInteger(int bits, boolean truncate, boolean popAfter) {
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
    int storeRegister(int i, boolean popAfter) {
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

    long read(int offset, int size) {
        return h.read(in.segment(), (ea + offset) & addrMask, size);
    }

    void write(int offset, int size, long v) {
        h.write(in.segment(), (ea + offset) & addrMask, size, v);
    }

    void probe(int size) {
        h.probeWrite(in.segment(), ea & addrMask, size);
    }
}
