package dev.hve.cli.di;

import dev.hve.api.HostCpu;
import dev.hve.api.Vm;
import dev.hve.cli.config.Console;
import dev.hve.cli.config.RunOptions;
import dev.hve.cli.config.TerminalMode;
import dev.hve.cli.config.UsageException;
import dev.hve.cli.backend.BackendCatalog;
import dev.hve.cli.backend.StartupSelection;
import dev.hve.cli.host.HostCpuCatalog;
import dev.hve.cli.plugin.ExtensionCatalog;
import dev.hve.cli.plugin.PluginClassLoader;
import dagger.Module;
import dagger.Provides;
import dev.hve.platform.machine.Machine;
import dev.hve.platform.machine.MachineConfig;
import java.io.FileNotFoundException;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import javax.inject.Named;
import javax.inject.Singleton;

/** How the runner's parts are made: backend discovery, start-up selection, the machine. */
@Module
public final class RunnerModule {

    private RunnerModule() {
    }

    @Provides
    @Singleton
    @Named("plugins")
    static ClassLoader pluginClassLoader(RunOptions options) {
        return PluginClassLoader.over(options.pluginPath(), RunnerModule.class.getClassLoader());
    }

    @Provides
    @Singleton
    static BackendCatalog backendCatalog(@Named("plugins") ClassLoader loader) {
        return BackendCatalog.discover(loader);
    }

    @Provides
    @Singleton
    static HostCpuCatalog hostCpuCatalog(@Named("plugins") ClassLoader loader) {
        return HostCpuCatalog.discover(loader);
    }

    @Provides
    @Singleton
    static ExtensionCatalog extensionCatalog(@Named("plugins") ClassLoader loader) {
        return ExtensionCatalog.discover(loader);
    }

    @Provides
    @Named("cpuinfo")
    static Path cpuinfo() {
        return Path.of("/proc/cpuinfo");
    }

    @Provides
    @Singleton
    static StartupSelection startupSelection(RunOptions options, BackendCatalog catalog, HostCpuCatalog hosts,
                                             @Named("cpuinfo") Path cpuinfo) {
        return new StartupSelection(options, catalog, hosts, cpuinfo);
    }

    @Provides
    @Singleton
    @Named("serial")
    static OutputStream serialOutput(RunOptions options, Console console) {
        String serial = options.serial();
        if (serial.equals("stdio")) {
            return console.out();
        }
        if (serial.equals("none")) {
            return OutputStream.nullOutputStream();
        }
        if (serial.startsWith("file:") && serial.length() > 5) {
            String path = serial.substring(5);
            try {
                return new FileOutputStream(path);
            } catch (FileNotFoundException e) {
                throw new UsageException("cannot open serial output file " + path + ": " + e.getMessage());
            }
        }
        throw new UsageException("--serial must be stdio, none or file:PATH, not '" + serial + "'");
    }

    @Provides
    @Singleton
    static Machine machine(StartupSelection selection, RunOptions options, @Named("serial") OutputStream serial,
                           ExtensionCatalog extensions, Console console, HostCpuCatalog cpus) {
        Vm vm = selection.backend().provider().createVm(selection.host().cpu());
        MachineConfig config;
        try {
            // With --serial stdio, stdin is COM1's receive line, as with QEMU's -serial stdio: a
            // terminal (in character mode, so the guest does the echoing) or a pipe. End of input
            // leaves the line idle and the run goes on; a run with no input (stdin at end, as
            // from /dev/null) stays reproducible.
            boolean stdio = options.serial().equals("stdio");
            if (stdio && console.in() == System.in) {
                TerminalMode.characterModeWhileRunning();
            }
            HostCpu guestCpu = options.guestCpu() == null ? null : cpus.byName(options.guestCpu())
                .orElseThrow(() -> new UsageException("unknown --cpu '" + options.guestCpu() + "'; choose from "
                    + String.join(", ", cpus.names())));
            config = new MachineConfig(options.memoryBytes(), options.smp(), serial,
                stdio ? console.in() : null, options.hostClock(), guestCpu);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        return new Machine(vm, selection.host().cpu(), config, extensions.extensions());
    }
}
