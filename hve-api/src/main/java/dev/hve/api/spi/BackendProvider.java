package dev.hve.api.spi;

import dev.hve.api.HostCpu;
import dev.hve.api.Vm;
import java.util.Optional;

/**
 * A virtualization backend, discovered with {@link java.util.ServiceLoader}. A vendor plugs in a
 * backend by shipping an implementation in a jar with a
 * {@code META-INF/services/dev.hve.api.spi.BackendProvider} entry.
 *
 * <p>Selection works like a hypervisor's start-up probe: every provider looks at the host CPU's
 * CPUID and says whether, and why, it can run there; the runner takes the supporting provider
 * with the highest {@link #priority()}.
 */
public interface BackendProvider {

    /** A short, unique, lower-case name used on the command line ({@code --backend NAME}). */
    String name();

    /** One line saying what the backend models. */
    String description();

    /** One line saying what host CPU the backend needs, for {@code hve backends}. */
    String requirement();

    /** Higher wins when several providers support the host; built-ins use 100. */
    default int priority() {
        return 100;
    }

    /**
     * Decides from the host's CPUID whether this backend can run there.
     *
     * @return the reason it can (for the log), or empty if it cannot
     */
    Optional<String> supports(HostCpu host);

    /** Creates a VM over the given modeled host CPU. */
    Vm createVm(HostCpu host);
}
