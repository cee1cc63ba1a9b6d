package dev.hve.cli;

import picocli.CommandLine.Option;

/** {@code --backend} and {@code --host-cpu}, shared by the subcommands that select a backend. */
final class HostSelectionOptions {

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "auto",
        description = "auto (choose from the host CPU's CPUID), vmx, svm, or a plug-in's name. Default: ${DEFAULT-VALUE}.")
    String backend;

    @Option(names = "--host-cpu", paramLabel = "MODEL",
        description = "The modeled host CPU: intel or amd. Default: the real host's vendor.")
    String hostCpu;
}
