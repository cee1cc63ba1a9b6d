package dev.hve.cli.backend;

import dev.hve.api.spi.BackendProvider;
import dev.hve.api.spi.BackendSelector.Selection;
import dev.hve.cli.config.RunOptions;
import dev.hve.cli.config.UsageException;
import dev.hve.api.HostCpu;
import dev.hve.cli.host.HostCpuCatalog;
import dev.hve.cli.host.HostCpuChoice;
import dev.hve.cli.host.RealHostVendor;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Start-up selection, as a hypervisor does it: model the host CPU (the real host's vendor unless
 * {@code --host-cpu} says otherwise), then let each backend probe that CPU's CPUID. The user's
 * {@code --backend} overrides the probe.
 */
public final class StartupSelection {

    private final HostCpuChoice host;
    private final Selection backend;

    public StartupSelection(RunOptions options, BackendCatalog catalog, HostCpuCatalog hosts, Path cpuinfo) {
        boolean hostChosen = options.hostCpu() != null;
        HostCpuChoice chosenHost = hostChosen ? named(hosts, options.hostCpu()) : fromRealHost(hosts, cpuinfo);
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
            this.host = modelFor(hosts, provider).orElseThrow(() -> new UsageException("backend " + provider.name()
                + " needs " + provider.requirement() + ", which no built-in host CPU model provides; pick one with "
                + "--host-cpu"));
        }
        this.backend = selection;
    }

    private static HostCpuChoice named(HostCpuCatalog hosts, String name) {
        HostCpu model = hosts.byName(name).orElseThrow(() -> new UsageException("unknown host CPU '" + name
            + "'; choose from " + String.join(", ", hosts.names())));
        return new HostCpuChoice(model, "chosen with --host-cpu " + name);
    }

    private static HostCpuChoice fromRealHost(HostCpuCatalog hosts, Path cpuinfo) {
        Optional<String> vendor = RealHostVendor.read(cpuinfo);
        if (vendor.isPresent()) {
            Optional<HostCpu> model = hosts.byVendor(vendor.get());
            if (model.isPresent()) {
                return new HostCpuChoice(model.get(), "the real host is " + vendor.get() + " (" + cpuinfo + ")");
            }
        }
        HostCpu fallback = hosts.models().get(0);
        return new HostCpuChoice(fallback, vendor.map(v -> "no model for the real host's vendor " + v)
            .orElse("the real host's vendor is unknown") + "; defaulting to " + fallback.name());
    }

    private static Optional<HostCpuChoice> modelFor(HostCpuCatalog hosts, BackendProvider provider) {
        for (HostCpu model : hosts.models()) {
            if (provider.supports(model).isPresent()) {
                return Optional.of(new HostCpuChoice(model, "switched to " + model.name() + " because --backend "
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
