package dev.hve.difftests.guest;

import dev.hve.difftests.asm.AluOp;
import dev.hve.difftests.asm.Assembler;
import dev.hve.difftests.asm.BitOp;
import dev.hve.difftests.asm.Gpr;
import dev.hve.difftests.asm.Mem;
import dev.hve.difftests.asm.UnaryOp;

/**
 * MMIO accesses beyond MOV: every other instruction form the platform's MMIO decode emulates
 * (read-modify-write ALU operations, TEST, XCHG, MOVZX/MOVSX, BT*, INC/DEC/NOT/NEG), at the MMIO
 * hole. The harness's monitor hands these to the platform's {@code MmioEmulation}, so the
 * decode path a monitor really uses runs on both backends: through the guest's page tables on
 * VT-x, from the decode-assist bytes on SVM.
 */
public final class MmioForms {

    private MmioForms() {
    }

    /** The instruction shapes, each with the operand sizes it allows. */
    public enum Shape {
        /** ALU m, r: op is an {@link AluOp} ordinal. */
        ALU_TO_MEMORY,
        /** ALU r, m. */
        ALU_FROM_MEMORY,
        /** ALU m, imm. */
        ALU_IMMEDIATE,
        TEST,
        XCHG,
        /** MOVZX r, m8/m16: size is the memory operand's, the register is wider. */
        MOVZX,
        MOVSX,
        /** BT/BTS/BTR/BTC m, imm8: op is a {@link BitOp} ordinal, size 2 and up. */
        BIT_TEST,
        /** INC, DEC, NOT or NEG m: op is a {@link UnaryOp} ordinal among the first four. */
        UNARY
    }

    /** Tags an instruction the monitor must give to the platform's MMIO emulation. */
    public record Emulated(Shape shape) {
    }

    /**
     * One access of {@code size} bytes at MMIO + {@code offset}.
     *
     * @param registerSize the register operand's size (wider than {@code size} for MOVZX/MOVSX)
     * @param value        the register's value before (sources), or the immediate
     */
    public record Access(Shape shape, int op, int reg, int size, int registerSize, Addr form, int offset, long value)
        implements Step {

        @Override
        public void emit(GuestAsm g) {
            Assembler a = g.asm();
            Gpr r = g.reg(reg, registerSize);
            Mem m = g.address(form, Layout.MMIO + offset, size);
            if (shape != Shape.ALU_IMMEDIATE && shape != Shape.BIT_TEST && shape != Shape.UNARY) {
                a.movImm(r, value);
            }
            a.tagNext(new Emulated(shape));
            switch (shape) {
                case ALU_TO_MEMORY -> a.alu(AluOp.values()[op], m, r);
                case ALU_FROM_MEMORY -> a.alu(AluOp.values()[op], r, m);
                case ALU_IMMEDIATE -> a.aluImm(AluOp.values()[op], m, value);
                case TEST -> a.test(m, r);
                case XCHG -> a.xchg(m, r);
                case MOVZX -> a.movExtend(false, r, m);
                case MOVSX -> a.movExtend(true, r, m);
                case BIT_TEST -> a.bitTest(BitOp.values()[op], m, (int) value);
                case UNARY -> a.unary(UnaryOp.values()[op], m);
                default -> throw new IllegalStateException(shape.toString());
            }
        }
    }
}
