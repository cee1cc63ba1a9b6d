package dev.hve.difftests.guest;

import dev.hve.difftests.asm.Assembler;
import dev.hve.difftests.asm.Listing;
import dev.hve.difftests.asm.Mode;
import dev.hve.emulator.control.HypercallInstruction;
import java.util.List;

/**
 * A generated guest: a mode, a list of steps and an optional faulting last step. It assembles to
 * the same layout for every backend (only the hypercall instruction's bytes differ, see
 * {@link SensitiveSteps.Hypercall}).
 *
 * <p>Shape: {@code cld}, the steps, the fault if any, then {@code out DONE_PORT, al} and
 * {@code hlt}. The harness stops at the write to the done port.
 */
public record GuestProgram(Mode mode, List<Step> steps, Step fault) {

    public GuestProgram {
        steps = List.copyOf(steps);
    }

    public Assembler assemble(HypercallInstruction hypercall) {
        Assembler a = new Assembler(mode, Layout.CODE);
        GuestAsm g = new GuestAsm(a, hypercall);
        a.cld();
        for (Step step : steps) {
            step.emit(g);
        }
        if (fault != null) {
            fault.emit(g);
        }
        a.out(1, Layout.DONE_PORT);
        a.hlt();
        if (a.here() > Layout.CODE_END) {
            throw new IllegalStateException("program overflows its code area: " + Long.toHexString(a.here()));
        }
        return a;
    }

    /** The disassembly a failure report prints. */
    public String disassembly() {
        return Listing.render(assemble(HypercallInstruction.VMCALL).listing());
    }

    @Override
    public String toString() {
        return mode + " program, " + steps.size() + " steps" + (fault == null ? "" : ", ending in " + fault)
            + "\n" + disassembly();
    }
}
