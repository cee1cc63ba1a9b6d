package dev.hve.cli.backend;

import dev.hve.api.spi.BackendProvider;
import dev.hve.api.spi.BackendSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** The backends found with {@link ServiceLoader} on the runner's class path. */
public final class BackendCatalog {

    private final BackendSelector selector;

    public BackendCatalog(List<BackendProvider> providers) {
        this.selector = new BackendSelector(providers);
    }

    public static BackendCatalog discover(ClassLoader loader) {
        List<BackendProvider> found = new ArrayList<>();
        for (BackendProvider provider : ServiceLoader.load(BackendProvider.class, loader)) {
            found.add(provider);
        }
        return new BackendCatalog(found);
    }

    public BackendSelector selector() {
        return selector;
    }

    public List<BackendProvider> providers() {
        return selector.providers();
    }

    public List<String> names() {
        return providers().stream().map(BackendProvider::name).toList();
    }
}
