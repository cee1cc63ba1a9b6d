package dev.hve.cli;

import dev.hve.cli.config.Console;
import dev.hve.cli.config.RunOptions;
import dev.hve.cli.di.RunnerComponent;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code hve backends}: what backends exist and which one CPUID selects. */
@Command(name = "backends", mixinStandardHelpOptions = true,
    description = {"Lists the discovered backends, what each requires, the modeled host CPU,",
        "and which backend its CPUID selects, and why."})
final class BackendsCommand implements Callable<Integer> {

    private final Console console;

    @Mixin
    HostSelectionOptions selection = new HostSelectionOptions();

    @Mixin
    LoggingOptions logging = new LoggingOptions();

    BackendsCommand(Console console) {
        this.console = console;
    }

    @Override
    public Integer call() {
        logging.apply();
        RunOptions options = RunOptions.selectionOnly(selection.backend, selection.hostCpu, selection.pluginPath);
        return RunnerComponent.create(options, console).backendsReport().print();
    }
}
