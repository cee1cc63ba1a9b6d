package dev.hve.difftests.gen;

import dev.hve.api.InterceptConfig;
import dev.hve.difftests.guest.Layout;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

/**
 * Random vendor-neutral intercept configurations, drawn from the same pools of ports and MSRs the
 * programs use so that both intercepted and pass-through accesses occur.
 *
 * <p>Two things are fixed rather than drawn, and why:
 * <ul>
 *   <li>CPUID is always intercepted. Unintercepted, CPUID runs on the core against the host model,
 *       and VMX must run over the Intel model while SVM runs over the AMD one, so the guest would
 *       see the host vendor: a difference of hosts, not of backends. The harness answers CPUID
 *       from one fixed table instead.</li>
 *   <li>The harness ports (done, exception and interrupt reports) are always intercepted: they are
 *       how the run ends and how deliveries become visible.</li>
 * </ul>
 */
public final class ConfigGen {

    private ConfigGen() {
    }

    public static Gen<InterceptConfig> configs() {
        Gen<List<Integer>> ports = SourceDSL.lists().of(Generate.pick(SensitiveGen.PORTS)).ofSizeBetween(0, SensitiveGen.PORTS.size());
        Gen<Set<Integer>> msrs = SourceDSL.lists().of(Generate.pick(SensitiveGen.MSRS)).ofSizeBetween(0, SensitiveGen.MSRS.size())
            .map(l -> (Set<Integer>) new HashSet<>(l)).mix(Generate.constant(() -> null), 20);
        Gen<Integer> exceptions = SourceDSL.lists().of(Generate.pick(List.of(0, 6, 13, 14))).ofSizeBetween(0, 4)
            .map(l -> l.stream().mapToInt(v -> 1 << v).reduce(0, (x, y) -> x | y));
        Gen<boolean[]> flags = Generate.booleans().zip(Generate.booleans(), Generate.booleans(),
            (hlt, rdtsc, invlpg) -> new boolean[] {hlt, rdtsc, invlpg});
        return ports.zip(msrs, exceptions, flags, (p, m, e, f) -> config(p, m, e, f[0], f[1], f[2]));
    }

    /** Everything intercepted: every exit kind the programs can cause reaches the monitor. */
    public static InterceptConfig everything() {
        return config(SensitiveGen.PORTS, null, 1 << 0 | 1 << 6 | 1 << 13 | 1 << 14, true, true, true);
    }

    /** The same configuration with one more exception vector intercepted. */
    public static InterceptConfig withException(InterceptConfig c, int vector) {
        return new InterceptConfig(c.ports(), c.msrs(), c.exceptionBitmap() | 1 << vector, c.cpuid(), c.hlt(), c.rdtsc(),
            c.invlpg());
    }

    static InterceptConfig config(List<Integer> ports, Set<Integer> msrs, int exceptions, boolean hlt, boolean rdtsc,
                                  boolean invlpg) {
        BitSet bits = new BitSet(65536);
        ports.forEach(bits::set);
        bits.set(Layout.DONE_PORT);
        bits.set(Layout.EXCEPTION_PORT);
        bits.set(Layout.IRQ_PORT);
        return new InterceptConfig(bits, msrs, exceptions, true, hlt, rdtsc, invlpg);
    }
}
