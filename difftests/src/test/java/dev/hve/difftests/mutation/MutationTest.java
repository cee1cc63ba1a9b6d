package dev.hve.difftests.mutation;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hve.difftests.gen.ScenarioGen;
import dev.hve.difftests.harness.Differential;
import dev.hve.difftests.harness.Scenario;
import dev.hve.difftests.props.Pbt;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * The properties are worth something only if they fail when a vendor detail is wrong. Each test
 * breaks one detail in one backend (see {@link Mutations}), runs the property as the build does,
 * and requires a failure whose report carries the seed, a first diverging exit on each side, and
 * a counterexample shrunk to a handful of steps.
 */
class MutationTest {

    /** Enough examples to meet each mutation; a failure stops the search early. */
    private static final int EXAMPLES = 200;

    @Test
    void flippedSvmIoioDirectionIsCaught() {
        caught(ScenarioGen.scenarios(), new Differential.Wrappers(UnaryOperator.identity(), Mutations.svmIoioDirectionFlipped()));
    }

    @Test
    void wrongVmxQualificationSizeIsCaught() {
        caught(ScenarioGen.scenarios(), new Differential.Wrappers(Mutations.vmxQualificationSizeWrong(), UnaryOperator.identity()));
    }

    @Test
    void shortSvmNextRipForStringIoIsCaught() {
        caught(ScenarioGen.scenarios(), new Differential.Wrappers(UnaryOperator.identity(), Mutations.svmStringIoNextRipShort()));
    }

    @Test
    void droppedVmxIdtVectoringReinjectionIsCaught() {
        caught(ScenarioGen.injection(), new Differential.Wrappers(Mutations.vmxReinjectionDropped(), UnaryOperator.identity()));
    }

    private static void caught(Gen<Scenario> scenarios, Differential.Wrappers wrappers) {
        AssertionError failure = assertThrows(AssertionError.class, () -> Pbt.checkScenarios(Pbt.theory(EXAMPLES), scenarios,
            scenario -> Differential.assertSameBehaviour(scenario, wrappers)), "the mutation survived " + EXAMPLES + " examples");
        String report = failure.getMessage();
        assertTrue(report.contains("seed " + Pbt.seed()) && report.contains("-Dhve.pbt.seed="), "no seed in the report:\n" + report);
        assertTrue(report.contains("VMX and SVM diverge"), "no divergence in the report:\n" + report);
        Matcher exit = Pattern.compile("exit \\d+ differs:\\n  vmx: .+\\n  svm: .+").matcher(report);
        assertTrue(exit.find(), "no first diverging exit on each side in the report:\n" + report);
        Matcher shrunk = Pattern.compile("shrunk to (\\d+) steps").matcher(report);
        assertTrue(shrunk.find() && Integer.parseInt(shrunk.group(1)) <= 3, "counterexample not shrunk to a few steps:\n" + report);
        System.out.println("caught, as expected:\n" + report);
    }

}
