package dev.hve.cli.plugin;

import dev.hve.api.extension.PlatformExtension;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;

/** The platform extensions found with {@link ServiceLoader}, in name order. */
public final class ExtensionCatalog {

    private final List<PlatformExtension> extensions;

    public ExtensionCatalog(List<PlatformExtension> extensions) {
        List<PlatformExtension> sorted = new ArrayList<>(extensions);
        sorted.sort(Comparator.comparing(PlatformExtension::name));
        this.extensions = List.copyOf(sorted);
    }

    public static ExtensionCatalog discover(ClassLoader loader) {
        List<PlatformExtension> found = new ArrayList<>();
        for (PlatformExtension extension : ServiceLoader.load(PlatformExtension.class, loader)) {
            found.add(extension);
        }
        return new ExtensionCatalog(found);
    }

    public List<PlatformExtension> extensions() {
        return extensions;
    }
}
