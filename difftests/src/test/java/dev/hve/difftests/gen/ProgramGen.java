package dev.hve.difftests.gen;

import dev.hve.difftests.asm.Mode;
import dev.hve.difftests.guest.FaultSteps;
import dev.hve.difftests.guest.GuestProgram;
import dev.hve.difftests.guest.Step;
import java.util.ArrayList;
import java.util.List;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

/**
 * Random guest programs: ordinary steps mixed with sensitive ones, optionally ending in a fault.
 * Programs are lists, so QuickTheories shrinks a counterexample towards fewer steps.
 */
public final class ProgramGen {

    private ProgramGen() {
    }

    public static Gen<GuestProgram> programs() {
        return Generate.enumValues(Mode.class).flatMap(ProgramGen::programs);
    }

    public static Gen<GuestProgram> programs(Mode mode) {
        return programs(mode, 1, 20);
    }

    public static Gen<GuestProgram> programs(Mode mode, int minSteps, int maxSteps) {
        Gen<Step> step = Generate.frequency(List.of(Pair.of(3, ComputeGen.any(mode)), Pair.of(2, SensitiveGen.any(mode))));
        Gen<List<Step>> steps = SourceDSL.lists().of(step).ofSizeBetween(minSteps, maxSteps);
        return steps.zip(fault(mode), (s, f) -> new GuestProgram(mode, s, f.orElse(null)));
    }

    /** Mostly no fault; otherwise one of those the mode can raise. */
    static Gen<java.util.Optional<Step>> fault(Mode mode) {
        List<Gen<Step>> faults = new ArrayList<>(List.of(
            Generate.constant(new FaultSteps.Ud2()),
            Pick.wideSize(mode).map(FaultSteps.DivideByZero::new),
            Generate.constant(new FaultSteps.GeneralProtection())));
        if (mode == Mode.BITS64) {
            faults.add(Generate.range(0, 0xFFF).map(FaultSteps.PageFault::new));
        }
        Gen<Step> anyFault = Generate.pick(faults).flatMap(g -> g);
        return anyFault.toOptionals(75);
    }
}
