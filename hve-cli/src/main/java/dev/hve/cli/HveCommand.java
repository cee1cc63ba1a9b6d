package dev.hve.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/** The top-level {@code hve} command. */
@Command(name = "hve", mixinStandardHelpOptions = true, versionProvider = HveCommand.Version.class,
    description = {"HVE runs x86 guests over a modeled Intel VT-x or AMD SVM backend,",
        "chosen at start-up from the modeled host CPU's CPUID."},
    commandListHeading = "%nCommands:%n")
final class HveCommand implements Runnable {

    /** The version from the runner jar's manifest. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = HveCommand.class.getPackage().getImplementationVersion();
            return new String[] {"hve " + (version == null ? "development build" : version),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
            "a command is required: run, backends or cpuid");
    }
}
