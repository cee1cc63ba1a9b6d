package dev.hve.difftests.gen;

import dev.hve.api.Event;
import dev.hve.difftests.asm.Mode;
import dev.hve.difftests.guest.GuestProgram;
import dev.hve.difftests.guest.SensitiveSteps;
import dev.hve.difftests.guest.Step;
import dev.hve.difftests.guest.SwitchStack;
import dev.hve.difftests.harness.Arrival;
import dev.hve.difftests.harness.Scenario;
import java.util.ArrayList;
import java.util.List;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

/** Whole differential examples: program, intercept configuration and interrupt arrivals. */
public final class ScenarioGen {

    private ScenarioGen() {
    }

    /** The general differential scenario: any mode, any program, any configuration, any arrivals. */
    public static Gen<Scenario> scenarios() {
        return ProgramGen.programs().zip(ConfigGen.configs(), ScheduleGen.arrivals(), Scenario::new);
    }

    /**
     * Injection scenarios: computation with IF toggles and HLTs, every kind of injected event at
     * random times, and in 64-bit mode sometimes a stack in the demand-paged region so that the
     * first delivery is cut short by a #PF exit and must be re-injected by the backend.
     */
    public static Gen<Scenario> injection() {
        return Generate.enumValues(Mode.class).flatMap(mode -> {
            Gen<Step> step = Generate.frequency(List.of(
                Pair.of(6, ComputeGen.flat(mode)),
                Pair.of(2, Generate.booleans().map(SensitiveSteps.InterruptFlag::new)),
                Pair.of(1, Generate.constant(new SensitiveSteps.Hlt()))));
            Gen<List<Step>> steps = SourceDSL.lists().of(step).ofSizeBetween(1, 16);
            Gen<Boolean> demand = mode == Mode.BITS64 ? Generate.booleans() : Generate.constant(false);
            Gen<List<Arrival>> arrivals = SourceDSL.lists().of(Generate.longRange(0, 120).zip(events(), Arrival::new)).ofSizeBetween(1, 3);
            return steps.zip(demand, arrivals, ConfigGen.configs(), (s, d, a, c) -> {
                List<Step> all = new ArrayList<>();
                if (d) {
                    all.add(new SwitchStack());
                }
                all.addAll(s);
                // Demand paging needs #PF intercepted; otherwise the configuration stands as drawn.
                var config = d ? ConfigGen.withException(c, 14) : c;
                return new Scenario(new GuestProgram(mode, all, null), config, a, d);
            });
        });
    }

    /**
     * Every kind of event the common API can inject. A software interrupt's length 0 asks the
     * monitor to use the length of the instruction it is injected in front of (see Monitor).
     */
    static Gen<Event> events() {
        return Generate.frequency(List.of(
            Pair.of(4, Generate.pick(ScheduleGen.VECTORS).map(v -> (Event) new Event.ExternalInterrupt(v))),
            Pair.of(1, Generate.constant(() -> (Event) new Event.Nmi())),
            Pair.of(1, Generate.pick(List.of(0, 6, 13, 14)).map(v -> (Event) new Event.HardwareException(v,
                v == 13 || v == 14 ? Integer.valueOf(v == 14 ? 2 : 0) : null))),
            Pair.of(1, Generate.pick(List.of(0x30, 0x80)).map(v -> (Event) new Event.SoftwareInterrupt(v, 0)))));
    }
}
