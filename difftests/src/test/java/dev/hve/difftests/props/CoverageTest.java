package dev.hve.difftests.props;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hve.api.ExitKind;
import dev.hve.api.VmExit;
import dev.hve.difftests.asm.Emitted;
import dev.hve.difftests.gen.ScenarioGen;
import dev.hve.difftests.guest.MmioForms;
import dev.hve.difftests.harness.Backend;
import dev.hve.difftests.harness.ExitEvent;
import dev.hve.difftests.harness.Monitor;
import dev.hve.difftests.harness.RunResult;
import dev.hve.difftests.harness.Scenario;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Guards against vacuous properties: a differential property over guests that never exit, or
 * always crash, would pass while proving nothing. Over a fixed sample of generated scenarios this
 * checks that every common exit kind and every port-I/O form actually occurs, that every fault
 * the generators aim for is raised, and that most runs reach their end normally.
 */
class CoverageTest {

    private static final int SAMPLE = 300;

    @Test
    void generatedScenariosExerciseEveryExitKind() {
        List<Scenario> scenarios = Pbt.samples(ScenarioGen.scenarios(), Pbt.DEFAULT_SEED, SAMPLE);
        Set<ExitKind> kinds = EnumSet.noneOf(ExitKind.class);
        Set<String> forms = new HashSet<>();
        Set<Integer> vectors = new HashSet<>();
        int done = 0;
        StringBuilder abnormal = new StringBuilder();
        for (Scenario s : scenarios) {
            RunResult r = Monitor.run(Backend.VMX, s);
            if (r.end().equals("done")) {
                done++;
            } else if (abnormal.length() < 4000) {
                abnormal.append(r.end()).append('\n');
            }
            for (VmExit e : r.raw()) {
                kinds.add(e.kind());
                if (e instanceof VmExit.PortIo io) {
                    String direction = io.in() ? "in" : "out";
                    forms.add(direction + io.size() + (io.string() ? "-string" : ""));
                    if (io.rep()) {
                        forms.add(direction + "-rep");
                    }
                }
                if (e instanceof VmExit.Exception x) {
                    vectors.add(x.vector());
                }
            }
        }
        for (ExitKind k : List.of(ExitKind.PORT_IO, ExitKind.CPUID, ExitKind.HLT, ExitKind.MMIO, ExitKind.MSR,
            ExitKind.HYPERCALL, ExitKind.EXCEPTION, ExitKind.INTERRUPT_WINDOW, ExitKind.PREEMPTED)) {
            assertTrue(kinds.contains(k), "no generated scenario produced a " + k + " exit; seen " + kinds);
        }
        List<String> required = new java.util.ArrayList<>(List.of("in-rep", "out-rep"));
        for (int size : new int[] {1, 2, 4}) {
            for (String direction : List.of("in", "out")) {
                required.add(direction + size);
                required.add(direction + size + "-string");
            }
        }
        for (String form : required) {
            assertTrue(forms.contains(form), "no port-I/O exit of form " + form + "; seen " + forms);
        }
        for (int vector : new int[] {0, 6, 13, 14}) {
            assertTrue(vectors.contains(vector), "no intercepted exception " + vector + "; seen " + vectors);
        }
        assertTrue(done >= SAMPLE / 2, "only " + done + " of " + SAMPLE + " runs reached the done port; others ended:\n" + abnormal);
    }

    @Test
    void everyMmioFormReachesTheMonitorAndIsEmulated() {
        // Each non-MOV MMIO form must really exit and be emulated: an access the monitor could
        // not emulate would end the run with "... cannot emulate".
        Set<MmioForms.Shape> exited = EnumSet.noneOf(MmioForms.Shape.class);
        for (Scenario s : Pbt.samples(ScenarioGen.scenarios(), Pbt.DEFAULT_SEED, SAMPLE)) {
            RunResult r = Monitor.run(Backend.SVM, s);
            assertFalse(r.end().contains("cannot emulate"), r.end());
            Map<Long, MmioForms.Shape> shapes = new HashMap<>();
            for (Emitted e : s.program().assemble(Backend.SVM.hypercall()).listing()) {
                if (e.tag() instanceof MmioForms.Emulated tag) {
                    shapes.put(e.address(), tag.shape());
                }
            }
            for (ExitEvent e : r.exits()) {
                MmioForms.Shape shape = shapes.get(e.rip());
                if (shape != null && e.kind().equals(ExitKind.MMIO.label())) {
                    exited.add(shape);
                }
            }
        }
        assertEquals(EnumSet.allOf(MmioForms.Shape.class), exited, "MMIO forms that exited and were emulated");
    }
}
