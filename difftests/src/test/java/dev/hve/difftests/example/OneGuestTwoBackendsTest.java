package dev.hve.difftests.example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hve.api.Event;
import dev.hve.difftests.asm.AluOp;
import dev.hve.difftests.asm.Mode;
import dev.hve.difftests.asm.Mem;
import dev.hve.difftests.gen.ConfigGen;
import dev.hve.difftests.guest.Addr;
import dev.hve.difftests.guest.ComputeSteps;
import dev.hve.difftests.guest.GuestProgram;
import dev.hve.difftests.guest.SensitiveSteps;
import dev.hve.difftests.harness.Arrival;
import dev.hve.difftests.harness.Differential;
import dev.hve.difftests.harness.Scenario;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The recipe, by hand, before the generators take over: write a small guest, choose intercepts
 * and interrupt arrivals, run it on VMX and on SVM with {@link Differential}, and compare. The
 * properties in {@code dev.hve.difftests.props} do exactly this with generated inputs.
 */
class OneGuestTwoBackendsTest {

    @Test
    void aHandWrittenGuestBehavesTheSameOnBothBackends() {
        for (Mode mode : Mode.values()) {
            GuestProgram program = new GuestProgram(mode, List.of(
                new ComputeSteps.MovImm(0, 4, 0x1234),
                new SensitiveSteps.PortIo(false, false, 1, 0x80, 0x5A),
                new SensitiveSteps.Cpuid(1, 0),
                new ComputeSteps.AluReg(AluOp.ADD, 0, 3, 4),
                new SensitiveSteps.StringIo(false, 2, true, 0x3F8, 3, 0x10),
                new SensitiveSteps.Mmio(true, false, 1, 4, new Addr(Mem.NONE, Mem.NONE, 1, 0, 0), 0x20, 0xCAFE),
                new SensitiveSteps.Hlt(),
                new SensitiveSteps.Hypercall(7)), null);
            Scenario scenario = new Scenario(program, ConfigGen.everything(), List.of(new Arrival(40, new Event.ExternalInterrupt(0x20))));

            Differential.Pair both = Differential.assertSameBehaviour(scenario, Differential.Wrappers.none());

            assertEquals("done", both.vmx().end(), () -> mode + " run did not reach the done port: " + both.vmx().end()
                + "\n" + both.vmx().exits());
        }
    }
}
