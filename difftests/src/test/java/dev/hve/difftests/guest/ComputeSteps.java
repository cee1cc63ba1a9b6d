package dev.hve.difftests.guest;

import dev.hve.difftests.asm.AluOp;
import dev.hve.difftests.asm.Assembler;
import dev.hve.difftests.asm.Cond;
import dev.hve.difftests.asm.Gpr;
import dev.hve.difftests.asm.Label;
import dev.hve.difftests.asm.Mem;
import dev.hve.difftests.asm.ShiftOp;
import dev.hve.difftests.asm.UnaryOp;

/**
 * Ordinary, non-sensitive steps. They never exit by themselves; they give the guest state worth
 * comparing and move the sensitive steps to varied places. None of them writes RSP, and every
 * memory access lands in the data area.
 */
public final class ComputeSteps {

    private ComputeSteps() {
    }

    public record MovImm(int reg, int size, long imm) implements Step {
        @Override
        public void emit(GuestAsm g) {
            g.asm().movImm(g.reg(reg, size), imm);
        }
    }

    public record AluReg(AluOp op, int dst, int src, int size) implements Step {
        @Override
        public void emit(GuestAsm g) {
            g.asm().alu(op, g.reg(dst, size), g.reg(src, size));
        }
    }

    public record AluImm(AluOp op, int dst, int size, long imm) implements Step {
        @Override
        public void emit(GuestAsm g) {
            g.asm().aluImm(op, g.reg(dst, size), imm);
        }
    }

    /** ALU between a register and memory, in either direction, or MOV load/store. */
    public record MemOp(AluOp op, boolean mov, boolean toMemory, int reg, int size, Addr form, int offset) implements Step {
        @Override
        public void emit(GuestAsm g) {
            Mem m = g.address(form, Layout.DATA + offset, size);
            Gpr r = g.reg(reg, size);
            Assembler a = g.asm();
            if (mov) {
                if (toMemory) {
                    a.mov(m, r);
                } else {
                    a.mov(r, m);
                }
            } else if (toMemory) {
                a.alu(op, m, r);
            } else {
                a.alu(op, r, m);
            }
        }
    }

    public record MemImm(AluOp op, boolean mov, int size, Addr form, int offset, long imm) implements Step {
        @Override
        public void emit(GuestAsm g) {
            Mem m = g.address(form, Layout.DATA + offset, size);
            if (mov) {
                g.asm().movImm(m, imm);
            } else {
                g.asm().aluImm(op, m, imm);
            }
        }
    }

    public record Shift(ShiftOp op, int reg, int size, int count, boolean byCl) implements Step {
        @Override
        public void emit(GuestAsm g) {
            if (byCl) {
                g.asm().shiftCl(op, g.reg(reg, size));
            } else {
                g.asm().shift(op, g.reg(reg, size), count);
            }
        }
    }

    /** INC, DEC, NOT, NEG, MUL, IMUL on a register or a data-area location. */
    public record Unary(UnaryOp op, int reg, int size, boolean memory, int offset) implements Step {
        @Override
        public void emit(GuestAsm g) {
            if (memory) {
                g.asm().unary(op, Mem.absolute(Layout.DATA + offset, size));
            } else {
                g.asm().unary(op, g.reg(reg, size));
            }
        }
    }

    /**
     * DIV or IDIV that cannot fault: a small positive dividend with a zero high half and a non-zero
     * divisor in a register other than the accumulator pair.
     */
    public record Divide(boolean signed, int size, long dividend, long divisor, int divisorReg) implements Step {
        @Override
        public void emit(GuestAsm g) {
            Assembler a = g.asm();
            if (size == 1) {
                a.movImm(g.reg(Gpr.AX, 2), dividend & 0x7F);
            } else {
                a.movImm(g.reg(Gpr.AX, size), dividend);
                a.movImm(g.reg(Gpr.DX, size), 0);
            }
            a.movImm(g.reg(divisorReg, size), divisor);
            a.unary(signed ? UnaryOp.IDIV : UnaryOp.DIV, g.reg(divisorReg, size));
        }
    }

    public record Imul(int dst, int src, int size, boolean threeOperand, long imm) implements Step {
        @Override
        public void emit(GuestAsm g) {
            if (threeOperand) {
                g.asm().imul(g.reg(dst, size), g.reg(src, size), imm);
            } else {
                g.asm().imul(g.reg(dst, size), g.reg(src, size));
            }
        }
    }

    public record Lea(int dst, Addr form, int offset) implements Step {
        @Override
        public void emit(GuestAsm g) {
            Mem m = g.address(form, Layout.DATA + offset, g.mode().addressSize());
            g.asm().lea(g.addressReg(dst), m);
        }
    }

    /** PUSH one register, POP another: a balanced stack, a moved value. */
    public record PushPop(int pushed, int popped) implements Step {
        @Override
        public void emit(GuestAsm g) {
            int size = g.mode().stackSize();
            g.asm().push(g.reg(pushed, size));
            g.asm().pop(g.reg(popped, size));
        }
    }

    public record Xchg(int a, int b, int size, boolean memory, int offset) implements Step {
        @Override
        public void emit(GuestAsm g) {
            if (memory) {
                g.asm().xchg(Mem.absolute(Layout.DATA + offset, size), g.reg(b, size));
            } else {
                g.asm().xchg(g.reg(a, size), g.reg(b, size));
            }
        }
    }

    public record Test(int a, int b, int size) implements Step {
        @Override
        public void emit(GuestAsm g) {
            g.asm().test(g.reg(a, size), g.reg(b, size));
        }
    }

    /** CMP, then a forward Jcc over one inner step: both paths are valid code. */
    public record Branch(Cond cond, int a, int b, int size, Step skipped) implements Step {
        @Override
        public void emit(GuestAsm g) {
            Label over = new Label();
            g.asm().alu(AluOp.CMP, g.reg(a, size), g.reg(b, size));
            g.asm().jcc(cond, over);
            skipped.emit(g);
            g.asm().bind(over);
        }
    }

    /** CALL a local subroutine holding one inner step, JMP over it on return. */
    public record CallRet(Step body) implements Step {
        @Override
        public void emit(GuestAsm g) {
            Label function = new Label();
            Label after = new Label();
            g.asm().call(function);
            g.asm().jmp(after);
            g.asm().bind(function);
            body.emit(g);
            g.asm().ret();
            g.asm().bind(after);
        }
    }
}
