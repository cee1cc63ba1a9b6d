package dev.hve.difftests.guest;

import dev.hve.difftests.asm.Gpr;
import dev.hve.difftests.asm.Mem;
import dev.hve.difftests.asm.Mode;
import dev.hve.difftests.asm.UnaryOp;

/**
 * Steps that raise an exception. The guest's handler reports the vector on the exception port
 * and ends the run, so a fault is always the last thing a program does.
 */
public final class FaultSteps {

    private FaultSteps() {
    }

    /** #UD. */
    public record Ud2() implements Step {
        @Override
        public void emit(GuestAsm g) {
            g.asm().ud2();
        }
    }

    /** #DE: DIV by a zeroed register. */
    public record DivideByZero(int size) implements Step {
        @Override
        public void emit(GuestAsm g) {
            g.asm().movImm(g.reg(Gpr.BX, size), 0);
            g.asm().unary(UnaryOp.DIV, g.reg(Gpr.BX, size));
        }
    }

    /**
     * #GP(0). In 64-bit mode a non-canonical access; elsewhere MOV to CR4 with reserved bit 31 set
     * (legal at CPL 0, so only the reserved bit faults).
     */
    public record GeneralProtection() implements Step {
        @Override
        public void emit(GuestAsm g) {
            if (g.mode() == Mode.BITS64) {
                g.asm().movImm(Gpr.of(Gpr.BX, 8), 0x8000_0000_0000_0000L);
                g.asm().mov(Gpr.of(Gpr.AX, 8), Mem.base(Gpr.BX, 0, 8));
            } else {
                g.asm().movImm(Gpr.of(Gpr.AX, 4), 0x8000_0000L);
                g.asm().movToCr(4, Gpr.of(Gpr.AX, 4));
            }
        }
    }

    /** #PF on a load from a linear address the guest page tables leave unmapped (64-bit only). */
    public record PageFault(int offset) implements Step {
        @Override
        public void emit(GuestAsm g) {
            if (g.mode() != Mode.BITS64) {
                throw new IllegalStateException("#PF needs guest paging: 64-bit guests only");
            }
            g.asm().movImm(Gpr.of(Gpr.BX, 8), Layout.UNMAPPED + offset);
            g.asm().mov(Gpr.of(Gpr.AX, 4), Mem.base(Gpr.BX, 0, 4));
        }
    }
}
