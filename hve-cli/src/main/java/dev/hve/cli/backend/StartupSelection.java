package dev.hve.cli.backend;

import dev.hve.api.spi.BackendProvider;
import dev.hve.api.spi.BackendSelector.Selection;
import dev.hve.cli.RunOptions;
import dev.hve.cli.UsageException;
import dev.hve.cli.host.HostCpuChoice;
import dev.hve.cli.host.ModeledHostCpu;
import dev.hve.cli.host.RealHostVendor;
import dev.hve.emulator.cpuid.CpuModel;
import dev.hve.emulator.cpuid.CpuModels;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Start-up selection, as a hypervisor does it: model the host CPU (the real host's vendor unless
 * {@code --host-cpu} says otherwise), then let each backend probe that CPU's CPUID. The user's
 * {@code --backend} overrides the probe.
 */
public final class StartupSelection {

    private final HostCpuChoice host;
    private final Selection backend;

    public StartupSelection(RunOptions options, BackendCatalog catalog, Path cpuinfo) {
        boolean hostChosen = options.hostCpu() != null;
        HostCpuChoice chosenHost = hostChosen ? named(options.hostCpu()) : fromRealHost(cpuinfo);
        if ("auto".equals(options.backend())) {
            Selection selection = catalog.selector().byCpuid(chosenHost.cpu()).orElseThrow(() -> new UsageException(
                "no backend supports the modeled host CPU " + chosenHost.cpu().name() + " ("
                    + chosenHost.cpu().vendor() + "); backends: " + catalog.names()));
            this.host = chosenHost;
            this.backend = new Selection(selection.provider(), "CPUID of the " + chosenHost.cpu().name()
                + " host: " + selection.reason());
            return;
        }
        Selection selection = catalog.selector().byName(options.backend()).orElseThrow(() -> new UsageException(
            "unknown backend '" + options.backend() + "'; available: auto, " + String.join(", ", catalog.names())));
        BackendProvider provider = selection.provider();
        if (provider.supports(chosenHost.cpu()).isPresent()) {
            this.host = chosenHost;
        } else if (hostChosen) {
            throw new UsageException("backend " + provider.name() + " needs " + provider.requirement()
                + "; the modeled host CPU " + chosenHost.cpu().name() + " (" + chosenHost.cpu().vendor()
                + ") does not qualify");
        } else {
            this.host = modelFor(provider).orElseThrow(() -> new UsageException("backend " + provider.name()
                + " needs " + provider.requirement() + ", which no built-in host CPU model provides; pick one with "
                + "--host-cpu"));
        }
        this.backend = selection;
    }

    private static HostCpuChoice named(String name) {
        CpuModel model = CpuModels.byName(name).orElseThrow(() -> new UsageException("unknown host CPU '" + name
            + "'; choose from " + CpuModels.all().stream().map(CpuModel::name).collect(Collectors.joining(", "))));
        return new HostCpuChoice(new ModeledHostCpu(model), "chosen with --host-cpu " + name);
    }

    private static HostCpuChoice fromRealHost(Path cpuinfo) {
        Optional<String> vendor = RealHostVendor.read(cpuinfo);
        if (vendor.isPresent()) {
            for (CpuModel model : CpuModels.all()) {
                ModeledHostCpu cpu = new ModeledHostCpu(model);
                if (cpu.vendor().equals(vendor.get())) {
                    return new HostCpuChoice(cpu, "the real host is " + vendor.get() + " (" + cpuinfo + ")");
                }
            }
        }
        ModeledHostCpu fallback = new ModeledHostCpu(CpuModels.intel());
        return new HostCpuChoice(fallback, vendor.map(v -> "no model for the real host's vendor " + v)
            .orElse("the real host's vendor is unknown") + "; defaulting to intel");
    }

    private static Optional<HostCpuChoice> modelFor(BackendProvider provider) {
        for (CpuModel model : CpuModels.all()) {
            ModeledHostCpu cpu = new ModeledHostCpu(model);
            if (provider.supports(cpu).isPresent()) {
                return Optional.of(new HostCpuChoice(cpu, "switched to " + model.name() + " because --backend "
                    + provider.name() + " needs " + provider.requirement()));
            }
        }
        return Optional.empty();
    }

    public HostCpuChoice host() {
        return host;
    }

    public Selection backend() {
        return backend;
    }
}
