package dev.hve.cli;

import dev.hve.cli.config.Console;
import dev.hve.cli.config.RunOptions;
import dev.hve.cli.di.RunnerComponent;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code hve cpuid}: the modeled host's CPUID leaves and the guest's view of them. */
@Command(name = "cpuid", mixinStandardHelpOptions = true,
    description = "Prints the modeled host CPU's CPUID leaves beside the leaves the guest sees.")
final class CpuidCommand implements Callable<Integer> {

    private final Console console;

    @Mixin
    HostSelectionOptions selection = new HostSelectionOptions();

    @Mixin
    LoggingOptions logging = new LoggingOptions();

    CpuidCommand(Console console) {
        this.console = console;
    }

    @Override
    public Integer call() {
        logging.apply();
        RunOptions options = RunOptions.selectionOnly(selection.backend, selection.hostCpu, selection.pluginPath);
        return RunnerComponent.create(options, console).cpuidReport().print();
    }
}
