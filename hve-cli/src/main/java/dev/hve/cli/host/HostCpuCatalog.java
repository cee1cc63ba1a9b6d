package dev.hve.cli.host;

import dev.hve.api.HostCpu;
import dev.hve.api.spi.HostCpuModelProvider;
import dev.hve.emulator.cpuid.CpuModel;
import dev.hve.emulator.cpuid.CpuModels;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/** The host CPUs {@code --host-cpu} can name: the core's built-in models, then plug-ins' models. */
public final class HostCpuCatalog {

    private final List<HostCpu> models;

    public HostCpuCatalog(List<HostCpu> models) {
        this.models = List.copyOf(models);
    }

    public static HostCpuCatalog discover(ClassLoader loader) {
        List<HostCpu> models = new ArrayList<>();
        for (CpuModel model : CpuModels.all()) {
            models.add(new ModeledHostCpu(model));
        }
        for (HostCpuModelProvider provider : ServiceLoader.load(HostCpuModelProvider.class, loader)) {
            models.addAll(provider.models());
        }
        return new HostCpuCatalog(models);
    }

    public List<HostCpu> models() {
        return models;
    }

    public Optional<HostCpu> byName(String name) {
        return models.stream().filter(m -> m.name().equalsIgnoreCase(name)).findFirst();
    }

    public Optional<HostCpu> byVendor(String vendor) {
        return models.stream().filter(m -> m.vendor().equals(vendor)).findFirst();
    }

    public List<String> names() {
        return models.stream().map(HostCpu::name).toList();
    }
}
