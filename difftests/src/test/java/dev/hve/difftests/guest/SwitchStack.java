package dev.hve.difftests.guest;

import dev.hve.difftests.asm.Gpr;
import dev.hve.difftests.asm.Mode;

/**
 * Moves the stack into the demand-paged region (64-bit guests): the next push, whether the
 * guest's own or an event delivery's, page-faults once, and the monitor maps the region. When the
 * fault hits during event delivery, the exit carries the interrupted event (IDT-vectoring
 * information on VT-x, EXITINTINFO on SVM) and the backend must deliver it again.
 */
public record SwitchStack() implements Step {

    @Override
    public void emit(GuestAsm g) {
        if (g.mode() != Mode.BITS64) {
            throw new IllegalStateException("the demand-paged region needs guest paging: 64-bit guests only");
        }
        g.asm().movImm(Gpr.of(Gpr.SP, 8), Layout.UNMAPPED + Layout.STACK_TOP);
    }
}
