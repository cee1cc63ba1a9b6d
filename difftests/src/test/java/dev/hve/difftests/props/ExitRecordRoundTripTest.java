package dev.hve.difftests.props;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hve.api.ExitKind;
import dev.hve.api.VendorRecord;
import dev.hve.api.VmExit;
import dev.hve.difftests.asm.Emitted;
import dev.hve.difftests.gen.ScenarioGen;
import dev.hve.difftests.guest.GuestImage;
import dev.hve.difftests.harness.Backend;
import dev.hve.difftests.harness.Monitor;
import dev.hve.difftests.harness.RunResult;
import dev.hve.difftests.harness.Scenario;
import dev.hve.difftests.records.CommonView;
import dev.hve.difftests.records.ExitContext;
import dev.hve.difftests.records.SvmRecordDecoder;
import dev.hve.difftests.records.VmxRecordDecoder;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Issue 8, property (b): exit-record round trips. For every exit of a generated run, the vendor
 * record the backend wrote (Vcpu.lastExitRecord(): VMX exit reason, qualification,
 * interruption information, instruction length; SVM EXITCODE, EXITINFO1/2, next RIP), read by an
 * independent decoder written from the SDM/APM with exit numbers from the UAPI headers, gives
 * back the common exit the backend returned. Done through the public API only.
 */
class ExitRecordRoundTripTest {

    /** Exit kinds whose round trip must have been checked at least once per backend, so the property is not vacuous. */
    private static final List<ExitKind> REQUIRED = List.of(ExitKind.PORT_IO, ExitKind.CPUID, ExitKind.HLT, ExitKind.MMIO,
        ExitKind.MSR, ExitKind.HYPERCALL, ExitKind.EXCEPTION, ExitKind.INTERRUPT_WINDOW, ExitKind.PREEMPTED);

    @Test
    void everyVendorRecordDecodesBackToItsCommonExit() {
        Map<Backend, Set<ExitKind>> checked = new HashMap<>();
        for (Backend b : Backend.values()) {
            checked.put(b, EnumSet.noneOf(ExitKind.class));
        }
        // General scenarios for the exit kinds, injection scenarios for windows and interrupted deliveries.
        Pbt.checkScenarios(Pbt.theory(Math.max(40, Pbt.examples() / 2)), ScenarioGen.scenarios().mix(ScenarioGen.injection(), 30),
            scenario -> {
            for (Backend backend : Backend.values()) {
                roundTrip(backend, scenario, checked.get(backend));
            }
        });
        for (Backend b : Backend.values()) {
            for (ExitKind k : REQUIRED) {
                assertTrue(checked.get(b).contains(k), b + ": no " + k + " record was checked; checked " + checked.get(b));
            }
        }
    }

    static void roundTrip(Backend backend, Scenario scenario, Set<ExitKind> checked) {
        RunResult run = Monitor.run(backend, scenario);
        Map<Long, Integer> lengths = new HashMap<>();
        for (Emitted e : scenario.program().assemble(backend.hypercall()).listing()) {
            lengths.put(e.address(), e.length());
        }
        for (Emitted e : GuestImage.handlers(scenario.program().mode()).listing()) {
            lengths.put(e.address(), e.length());
        }
        for (int i = 0; i < run.raw().size(); i++) {
            VmExit exit = run.raw().get(i);
            if (exit instanceof VmExit.EntryFailure) {
                continue;
            }
            VendorRecord record = run.records().get(i);
            long rip = run.exits().get(i).rip();
            ExitContext ctx = new ExitContext(scenario.program().mode(), rip, lengths.getOrDefault(rip, -1));
            String decoded = backend == Backend.VMX ? VmxRecordDecoder.decode(record, ctx) : SvmRecordDecoder.decode(record, ctx);
            assertEquals(decoded, CommonView.of(exit), () -> backend + " exit " + exit + " at rip 0x" + Long.toHexString(rip)
                + " does not match its vendor record " + record + "\n" + scenario);
            checked.add(exit.kind());
        }
    }
}
