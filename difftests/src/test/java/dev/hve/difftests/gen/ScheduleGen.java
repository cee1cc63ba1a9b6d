package dev.hve.difftests.gen;

import dev.hve.api.Event;
import dev.hve.difftests.harness.Arrival;
import java.util.List;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

/**
 * Random interrupt arrivals at points of virtual time (retired instructions). Mostly external
 * interrupts, which must wait for an open interrupt window; sometimes NMIs.
 */
public final class ScheduleGen {

    private ScheduleGen() {
    }

    /** Vectors the guest's handlers return from (see GuestImage): 2 for NMI and 32-255. */
    static final List<Integer> VECTORS = List.of(0x20, 0x21, 0x28, 0x30, 0x80, 0xEF);

    public static Gen<List<Arrival>> arrivals() {
        Gen<Event> event = Generate.frequency(List.of(
            Pair.of(5, Generate.pick(VECTORS).map(v -> (Event) new Event.ExternalInterrupt(v))),
            Pair.of(1, Generate.constant(() -> (Event) new Event.Nmi()))));
        Gen<Arrival> arrival = Generate.longRange(0, 150).zip(event, Arrival::new);
        return SourceDSL.lists().of(arrival).ofSizeBetween(0, 4);
    }
}
