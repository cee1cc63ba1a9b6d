package dev.hve.difftests.props;

import dev.hve.difftests.guest.GuestProgram;
import dev.hve.difftests.guest.Step;
import dev.hve.difftests.harness.Arrival;
import dev.hve.difftests.harness.Scenario;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A second shrinking pass after QuickTheories': QuickTheories simplifies the values it drew (a
 * program's registers and immediates go to zero) but keeps the list lengths, so this removes whole
 * program steps, the fault and interrupt arrivals one at a time for as long as the property still
 * fails. Deterministic, so a replayed seed shrinks to the same program.
 */
final class ScenarioShrinker {

    private ScenarioShrinker() {
    }

    static Scenario shrink(Scenario failing, Consumer<Scenario> property) {
        Scenario current = failing;
        boolean progress = true;
        while (progress) {
            progress = false;
            List<Step> steps = current.program().steps();
            for (int i = steps.size() - 1; i >= 0; i--) {
                List<Step> fewer = new ArrayList<>(current.program().steps());
                if (i >= fewer.size()) {
                    continue;
                }
                fewer.remove(i);
                Scenario candidate = current.withProgram(new GuestProgram(current.program().mode(), fewer, current.program().fault()));
                if (fails(candidate, property)) {
                    current = candidate;
                    progress = true;
                }
            }
            if (current.program().fault() != null) {
                Scenario candidate = current.withProgram(new GuestProgram(current.program().mode(), current.program().steps(), null));
                if (fails(candidate, property)) {
                    current = candidate;
                    progress = true;
                }
            }
            for (int i = current.arrivals().size() - 1; i >= 0; i--) {
                List<Arrival> fewer = new ArrayList<>(current.arrivals());
                if (i >= fewer.size()) {
                    continue;
                }
                fewer.remove(i);
                Scenario candidate = new Scenario(current.program(), current.config(), fewer, current.demandPaging());
                if (fails(candidate, property)) {
                    current = candidate;
                    progress = true;
                }
            }
        }
        return current;
    }

    static boolean fails(Scenario s, Consumer<Scenario> property) {
        try {
            property.accept(s);
            return false;
        } catch (AssertionError | RuntimeException e) {
            return true;
        }
    }
}
