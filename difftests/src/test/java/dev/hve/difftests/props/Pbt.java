package dev.hve.difftests.props;

import static org.quicktheories.QuickTheory.qt;

import java.util.ArrayList;
import org.quicktheories.QuickTheory;
import java.util.List;
import org.quicktheories.core.Gen;

/**
 * Run-mode settings shared by every property.
 *
 * <ul>
 *   <li>{@code -Dhve.pbt.examples=N}: examples per property (default: bounded, see the POM);
 *       {@code -Dhve.pbt.examples=100000} is the long mode.</li>
 *   <li>{@code -Dhve.pbt.seed=S}: the QuickTheories seed. A failure report prints the seed it ran
 *       with; passing it back replays the same examples and the same shrink exactly. Unset, a fixed
 *       default keeps ordinary builds reproducible; {@code random} draws a fresh one.</li>
 * </ul>
 */
public final class Pbt {

    /** The seed ordinary builds use. */
    public static final long DEFAULT_SEED = 0x4856_4538L;
    static final int DEFAULT_EXAMPLES = 100;

    private Pbt() {
    }

    public static int examples() {
        String value = System.getProperty("hve.pbt.examples", "");
        return value.isBlank() ? DEFAULT_EXAMPLES : Integer.parseInt(value.trim());
    }

    public static long seed() {
        String value = System.getProperty("hve.pbt.seed", "").trim();
        if (value.isEmpty()) {
            return DEFAULT_SEED;
        }
        if (value.equals("random")) {
            return System.nanoTime();
        }
        return Long.decode(value);
    }

    /** QuickTheories configured for this run mode: example count, seed and a generous shrink budget. */
    public static QuickTheory theory() {
        return theory(examples());
    }

    public static QuickTheory theory(int examples) {
        return qt().withExamples(examples).withFixedSeed(seed()).withShrinkCycles(100).withGenerateAttempts(1000);
    }

    /**
     * Checks a property and, on failure, puts the seed and the replay command in front of
     * QuickTheories' report (it prints the seed only for seeds it chose itself).
     */
    public static <T> void check(QuickTheory theory, Gen<T> gen, java.util.function.Consumer<T> property) {
        long seed = seed();
        try {
            theory.withFixedSeed(seed).forAll(gen).checkAssert(property);
        } catch (AssertionError failure) {
            throw new AssertionError("seed " + seed + " (replay: -Dhve.pbt.seed=" + seed + ")\n" + failure.getMessage(), failure);
        }
    }

    public static <T> void check(Gen<T> gen, java.util.function.Consumer<T> property) {
        check(theory(), gen, property);
    }

    /**
     * Checks a differential property over scenarios. On failure the report starts with the seed,
     * then the failure of the scenario after both shrinking passes (QuickTheories' and
     * {@link ScenarioShrinker}'s): its disassembly, configuration and first diverging exit.
     */
    public static void checkScenarios(QuickTheory theory, Gen<dev.hve.difftests.harness.Scenario> gen,
                                      java.util.function.Consumer<dev.hve.difftests.harness.Scenario> property) {
        long seed = seed();
        java.util.concurrent.atomic.AtomicReference<dev.hve.difftests.harness.Scenario> lastFailing =
            new java.util.concurrent.atomic.AtomicReference<>();
        try {
            theory.withFixedSeed(seed).forAll(gen).checkAssert(s -> {
                try {
                    property.accept(s);
                } catch (AssertionError | RuntimeException e) {
                    lastFailing.set(s);
                    throw e;
                }
            });
        } catch (AssertionError failure) {
            dev.hve.difftests.harness.Scenario smallest = ScenarioShrinker.shrink(lastFailing.get(), property);
            String report;
            try {
                property.accept(smallest);
                report = failure.getMessage();
            } catch (AssertionError | RuntimeException e) {
                report = e.getMessage();
            }
            throw new AssertionError("seed " + seed + " (replay: -Dhve.pbt.seed=" + seed + ")\nshrunk to "
                + smallest.program().steps().size() + " steps:\n" + report, failure);
        }
    }

    public static void checkScenarios(Gen<dev.hve.difftests.harness.Scenario> gen,
                                      java.util.function.Consumer<dev.hve.difftests.harness.Scenario> property) {
        checkScenarios(theory(), gen, property);
    }

    /**
     * {@code count} values of a generator, reproducibly: the examples QuickTheories draws for
     * {@code seed} (its first ones are the generator's simplest values, then random ones).
     */
    public static <T> List<T> samples(Gen<T> gen, long seed, int count) {
        List<T> values = new ArrayList<>();
        qt().withFixedSeed(seed).withExamples(count).forAll(gen).checkAssert(values::add);
        return values;
    }
}
