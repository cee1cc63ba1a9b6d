package dev.hve.difftests.harness;

import dev.hve.api.InterceptConfig;
import dev.hve.difftests.guest.GuestProgram;
import java.util.Comparator;
import java.util.List;

/**
 * One differential example: a guest program, the vendor-neutral intercept configuration, and the
 * interrupt arrivals. {@code demandPaging} makes the monitor map the guest's {@code UNMAPPED}
 * region on the first #PF there (shadow-paging style) instead of reflecting the fault, which is
 * how the injection properties get an event interrupted by an exit.
 */
public record Scenario(GuestProgram program, InterceptConfig config, List<Arrival> arrivals, boolean demandPaging) {

    public Scenario {
        arrivals = arrivals.stream().sorted(Comparator.comparingLong(Arrival::time)).toList();
    }

    public Scenario(GuestProgram program, InterceptConfig config, List<Arrival> arrivals) {
        this(program, config, arrivals, false);
    }

    public Scenario withProgram(GuestProgram p) {
        return new Scenario(p, config, arrivals, demandPaging);
    }

    @Override
    public String toString() {
        return "intercepts: " + describe(config) + "\narrivals: " + arrivals + (demandPaging ? "\ndemand paging on" : "")
            + "\nprogram: " + program;
    }

    public static String describe(InterceptConfig c) {
        return "ports=" + c.ports() + " msrs=" + (c.msrs() == null ? "all" : c.msrs().stream().sorted()
            .map(m -> "0x" + Integer.toHexString(m)).toList()) + " exceptions=0x" + Integer.toHexString(c.exceptionBitmap())
            + " cpuid=" + c.cpuid() + " hlt=" + c.hlt() + " rdtsc=" + c.rdtsc() + " invlpg=" + c.invlpg();
    }
}
