package dev.hve.difftests.props;

import dev.hve.difftests.gen.ScenarioGen;
import dev.hve.difftests.guest.GuestProgram;
import dev.hve.difftests.guest.Repeat;
import dev.hve.difftests.harness.Backend;
import dev.hve.difftests.harness.Comparison;
import dev.hve.difftests.harness.Monitor;
import dev.hve.difftests.harness.RunResult;
import dev.hve.difftests.harness.Scenario;
import dev.hve.emulator.translate.BlockCompiler;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The core's block translator against its interpreter: every generated program, run in a loop
 * so that its blocks become hot and are compiled (after one entry here), gives the same exits
 * at the same instructions, the same transactions, the same ending, registers and memory as
 * when the interpreter runs it alone. The backends alternate between examples, so both backends'
 * exit paths see compiled blocks fault and exit part-way through.
 */
class TranslatorPropertyTest {

    private static final int PASSES = 4;
    private static int example;

    @Test
    void compiledBlocksBehaveLikeTheInterpreter() {
        long compiledBefore = BlockCompiler.compiledInProcess();
        Pbt.checkScenarios(ScenarioGen.scenarios(), scenario -> {
            Backend backend = (example++ & 1) == 0 ? Backend.VMX : Backend.SVM;
            Scenario looped = scenario.withProgram(looped(scenario.program()));
            RunResult interpreted = withTranslation(false, () -> Monitor.run(backend, looped));
            RunResult compiled = withTranslation(true, () -> Monitor.run(backend, looped));
            Optional<Comparison.Divergence> divergence = Comparison.firstDivergence(interpreted, compiled);
            if (divergence.isPresent()) {
                throw new AssertionError("compiled blocks diverge from the interpreter on " + backend + "\n"
                    + divergence.get().text() + "\nprogram:\n" + looped.program().disassembly()
                    + "\ninterpreter exits (ended: " + interpreted.end() + "): " + interpreted.exits()
                    + "\ntranslator exits (ended: " + compiled.end() + "): " + compiled.exits());
            }
        });
        // The property says nothing unless blocks were compiled: most looped programs have some.
        long compiled = BlockCompiler.compiledInProcess() - compiledBefore;
        assertTrue(compiled >= Pbt.examples(), "only " + compiled + " blocks compiled over " + Pbt.examples() + " examples");
    }

    private static GuestProgram looped(GuestProgram program) {
        return new GuestProgram(program.mode(), List.of(new Repeat(program.steps(), PASSES)), program.fault());
    }

    /** Runs {@code run} with a core that compiles blocks on their second entry, or never. */
    private static RunResult withTranslation(boolean on, Supplier<RunResult> run) {
        String translate = System.getProperty("hve.translate");
        String threshold = System.getProperty("hve.translate.threshold");
        System.setProperty("hve.translate", Boolean.toString(on));
        System.setProperty("hve.translate.threshold", "1");
        try {
            return run.get();
        } finally {
            restore("hve.translate", translate);
            restore("hve.translate.threshold", threshold);
        }
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }
}
