package dev.hve.api.spi;

import dev.hve.api.HostCpu;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Chooses a backend from the host CPU's CPUID, or by name when the user overrides it. */
public final class BackendSelector {

    /** The outcome of selection: the provider and the reason, for the log. */
    public record Selection(BackendProvider provider, String reason) {
    }

    private final List<BackendProvider> providers;

    public BackendSelector(List<BackendProvider> providers) {
        List<BackendProvider> sorted = new ArrayList<>(providers);
        sorted.sort(Comparator.comparingInt(BackendProvider::priority).reversed()
            .thenComparing(BackendProvider::name));
        this.providers = List.copyOf(sorted);
    }

    public List<BackendProvider> providers() {
        return providers;
    }

    /** The highest-priority provider that supports {@code host}, if any. */
    public Optional<Selection> byCpuid(HostCpu host) {
        for (BackendProvider provider : providers) {
            Optional<String> reason = provider.supports(host);
            if (reason.isPresent()) {
                return Optional.of(new Selection(provider, reason.get()));
            }
        }
        return Optional.empty();
    }

    /** The provider called {@code name}; the user's override wins over CPUID. */
    public Optional<Selection> byName(String name) {
        for (BackendProvider provider : providers) {
            if (provider.name().equals(name)) {
                return Optional.of(new Selection(provider, "chosen with --backend " + name));
            }
        }
        return Optional.empty();
    }
}
