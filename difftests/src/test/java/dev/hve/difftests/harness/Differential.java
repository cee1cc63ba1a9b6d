package dev.hve.difftests.harness;

import dev.hve.api.spi.BackendProvider;
import dev.hve.difftests.asm.Listing;
import dev.hve.emulator.control.HypercallInstruction;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Runs one scenario on VMX and on SVM and fails with a readable report if they disagree. The
 * report holds the configuration, the arrivals, a disassembly of the program with the diverging
 * instruction marked, the first diverging exit on each side, and both exit logs; QuickTheories
 * adds the seed and shrinks the program before printing it.
 */
public final class Differential {

    /** Hooks to wrap either backend's provider; the mutation tests use them to break one on purpose. */
    public record Wrappers(UnaryOperator<BackendProvider> vmx, UnaryOperator<BackendProvider> svm) {
        public static Wrappers none() {
            return new Wrappers(UnaryOperator.identity(), UnaryOperator.identity());
        }
    }

    /** Both runs of one scenario. */
    public record Pair(RunResult vmx, RunResult svm) {
    }

    private Differential() {
    }

    public static Pair run(Scenario scenario, Wrappers wrappers) {
        return new Pair(Monitor.run(Backend.VMX, scenario, wrappers.vmx()), Monitor.run(Backend.SVM, scenario, wrappers.svm()));
    }

    /** The property itself: throws AssertionError with the report when the backends diverge. */
    public static Pair assertSameBehaviour(Scenario scenario, Wrappers wrappers) {
        Pair pair = run(scenario, wrappers);
        Optional<Comparison.Divergence> divergence = Comparison.firstDivergence(pair.vmx(), pair.svm());
        if (divergence.isPresent()) {
            throw new AssertionError(report(scenario, pair, divergence.get()));
        }
        return pair;
    }

    public static String report(Scenario scenario, Pair pair, Comparison.Divergence d) {
        StringBuilder sb = new StringBuilder();
        sb.append("VMX and SVM diverge\n").append(d.text()).append('\n');
        sb.append("intercepts: ").append(Scenario.describe(scenario.config())).append('\n');
        sb.append("arrivals: ").append(scenario.arrivals()).append('\n');
        sb.append("program (").append(scenario.program().mode()).append(", shown with VMCALL; SVM runs VMMCALL):\n");
        sb.append(Listing.render(scenario.program().assemble(HypercallInstruction.VMCALL).listing(), d.rip()));
        sb.append("vmx exits (ended: ").append(pair.vmx().end()).append("):\n");
        pair.vmx().exits().forEach(e -> sb.append("  ").append(e).append('\n'));
        sb.append("svm exits (ended: ").append(pair.svm().end()).append("):\n");
        pair.svm().exits().forEach(e -> sb.append("  ").append(e).append('\n'));
        return sb.toString();
    }
}
