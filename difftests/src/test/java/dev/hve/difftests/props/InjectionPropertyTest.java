package dev.hve.difftests.props;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hve.api.ExitKind;
import dev.hve.api.VendorRecord;
import dev.hve.api.VmExit;
import dev.hve.difftests.gen.ScenarioGen;
import dev.hve.difftests.guest.Layout;
import dev.hve.difftests.harness.Backend;
import dev.hve.difftests.harness.Differential;
import dev.hve.difftests.harness.Monitor;
import dev.hve.difftests.harness.RunResult;
import dev.hve.difftests.harness.Scenario;
import dev.hve.difftests.harness.Transaction;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Issue 8, property (c): injection round trips. Events injected through the common API
 * (Event.ExternalInterrupt, Nmi, HardwareException, SoftwareInterrupt) at random points of
 * virtual time reach the guest identically on both backends: the same handler runs at the same
 * instruction (the guest's handlers report each vector on a port), external interrupts wait for
 * the same interrupt window, and an event whose delivery is cut short by an exit (a #PF on the
 * demand-paged stack: IDT-vectoring information on VT-x, EXITINTINFO on SVM) is delivered again.
 */
class InjectionPropertyTest {

    @Test
    void injectedEventsAreDeliveredIdentically() {
        Pbt.checkScenarios(ScenarioGen.injection(), scenario -> Differential.assertSameBehaviour(scenario, Differential.Wrappers.none()));
    }

    /** The property above is only as good as its scenarios: check that they hit every case it claims. */
    @Test
    void injectionScenariosCoverEveryEventKindWindowsAndReinjection() {
        List<Scenario> sample = Pbt.samples(ScenarioGen.injection(), Pbt.DEFAULT_SEED, 100);
        Set<String> seen = new HashSet<>();
        for (Scenario s : sample) {
            for (Backend backend : Backend.values()) {
                RunResult run = Monitor.run(backend, s);
                for (Transaction t : run.transactions()) {
                    if (t.kind().equals("out") && t.address() == Layout.IRQ_PORT) {
                        seen.add(backend + " handler " + (t.value() == 2 ? "nmi" : t.value() >= 0x30 && t.value() != 0xEF
                            && t.value() != 0x80 ? "soft-or-external" : "external"));
                        if (t.value() == 0x80) {
                            seen.add(backend + " handler soft");
                        }
                    }
                    if (t.kind().equals("out") && t.address() == Layout.EXCEPTION_PORT) {
                        seen.add(backend + " handler exception");
                    }
                }
                for (VmExit e : run.raw()) {
                    if (e.kind() == ExitKind.INTERRUPT_WINDOW) {
                        seen.add(backend + " window");
                    }
                }
                for (VendorRecord r : run.records()) {
                    Long vectoring = r.fields().getOrDefault(backend == Backend.VMX ? "idt_vectoring_info" : "exitintinfo", 0L);
                    if ((vectoring >>> 31 & 1) != 0) {
                        seen.add(backend + " interrupted delivery");
                    }
                }
            }
        }
        for (Backend b : Backend.values()) {
            for (String what : List.of("handler nmi", "handler external", "handler soft", "handler exception", "window",
                "interrupted delivery")) {
                assertTrue(seen.contains(b + " " + what), "no injection scenario showed " + b + " " + what + "; seen " + seen);
            }
        }
    }
}
