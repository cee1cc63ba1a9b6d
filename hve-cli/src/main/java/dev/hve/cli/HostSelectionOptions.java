package dev.hve.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --backend} and {@code --host-cpu}, shared by the subcommands that select a backend. */
final class HostSelectionOptions {

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "auto",
        description = "auto (choose from the host CPU's CPUID), vmx, svm, or a plug-in's name. Default: ${DEFAULT-VALUE}.")
    String backend;

    @Option(names = "--host-cpu", paramLabel = "MODEL",
        description = "The modeled host CPU: intel or amd. Default: the real host's vendor.")
    String hostCpu;

    @Option(names = "--plugin-path", paramLabel = "DIR", split = ":",
        description = "Directories of plug-in jars (backends, host CPU models, extensions); repeatable or ':'-separated.")
    List<Path> pluginPath = new ArrayList<>();
}
