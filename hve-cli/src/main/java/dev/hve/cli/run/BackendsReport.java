package dev.hve.cli.run;

import dev.hve.cli.config.ExitStatus;
import dev.hve.cli.config.Console;
import dev.hve.api.HostCpu;
import dev.hve.api.spi.BackendProvider;
import dev.hve.cli.backend.BackendCatalog;
import dev.hve.cli.backend.StartupSelection;
import java.io.PrintStream;
import javax.inject.Inject;

/** {@code hve backends}: the discovered backends, the modeled host CPU, and which backend CPUID selects. */
public final class BackendsReport {

    private final BackendCatalog catalog;
    private final StartupSelection selection;
    private final Console console;

    @Inject
    BackendsReport(BackendCatalog catalog, StartupSelection selection, Console console) {
        this.catalog = catalog;
        this.selection = selection;
        this.console = console;
    }

    public int print() {
        PrintStream out = console.out();
        HostCpu host = selection.host().cpu();
        out.printf("modeled host CPU: %s (%s): %s%n", host.name(), host.vendor(), selection.host().reason());
        out.printf("  VMX (CPUID.1:ECX[5]): %s, SVM (CPUID.80000001h:ECX[2]): %s, LM: %s, NX: %s%n",
            yesNo(host.hasFeature(1, 'c', 5)), yesNo(host.hasFeature(0x8000_0001, 'c', 2)),
            yesNo(host.hasFeature(0x8000_0001, 'd', 29)), yesNo(host.hasFeature(0x8000_0001, 'd', 20)));
        out.println("backends:");
        for (BackendProvider provider : catalog.providers()) {
            out.printf("  %-8s priority %-4d %s%n", provider.name(), provider.priority(), provider.description());
            out.printf("           requires: %s%n", provider.requirement());
            out.printf("           on this host: %s%n", provider.supports(host).map(r -> "supported: " + r)
                .orElse("not supported"));
        }
        out.printf("selected: %s (%s)%n", selection.backend().provider().name(), selection.backend().reason());
        return ExitStatus.CLEAN;
    }

    private static String yesNo(boolean value) {
        return value ? "yes" : "no";
    }
}
