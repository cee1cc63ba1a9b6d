package dev.hve.difftests.props;

import static org.quicktheories.QuickTheory.qt;

import dev.hve.difftests.harness.Scenario;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.quicktheories.QuickTheory;
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
    /** Drawn once per JVM, so every property of a "random" run reports and uses the same seed. */
    private static final long RANDOM_SEED = System.nanoTime();

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
            return RANDOM_SEED;
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
     * Checks a differential property over scenarios. On failure the report starts with the seed,
     * then the failure of the scenario after both shrinking passes (QuickTheories' and
     * {@link ScenarioShrinker}'s): its disassembly, configuration and first diverging exit.
     */
    public static void checkScenarios(QuickTheory theory, Gen<Scenario> gen,
                                      Consumer<Scenario> property) {
        long seed = seed();
        // Logged for every run, so a long passing run's seed can be recorded as well as a failing one's.
        System.out.println("hve.pbt: seed " + seed + ", up to " + examples() + " examples per property");
        AtomicReference<Scenario> lastFailing =
            new AtomicReference<>();
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
            Scenario smallest = ScenarioShrinker.shrink(lastFailing.get(), property);
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

    public static void checkScenarios(Gen<Scenario> gen,
                                      Consumer<Scenario> property) {
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
