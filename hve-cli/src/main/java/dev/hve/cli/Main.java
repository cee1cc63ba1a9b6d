package dev.hve.cli;

import dev.hve.cli.config.ExitStatus;
import dev.hve.cli.config.UsageException;
import dev.hve.cli.config.Console;
import java.io.PrintWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** The runner's entry point: {@code ./hve} calls {@link #main}; tests call {@link #execute}. */
public final class Main {

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    public static void main(String[] args) {
        int status = execute(args, Console.system());
        System.out.flush();
        System.exit(status);
    }

    /** Runs one command line against the given streams and returns the exit status. */
    public static int execute(String[] args, Console console) {
        CommandLine commandLine = new CommandLine(new HveCommand());
        commandLine.addSubcommand("run", new CommandLine(new RunCommand(console)));
        commandLine.addSubcommand("backends", new CommandLine(new BackendsCommand(console)));
        commandLine.addSubcommand("cpuid", new CommandLine(new CpuidCommand(console)));
        commandLine.setOut(new PrintWriter(console.out(), true));
        commandLine.setErr(new PrintWriter(console.err(), true));
        commandLine.setParameterExceptionHandler((ex, arguments) -> {
            String command = ex.getCommandLine().getCommandName();
            String help = command.equals("hve") ? "hve --help" : "hve " + command + " --help";
            console.err().println("hve: " + ex.getMessage() + " (see '" + help + "')");
            return ExitStatus.USAGE;
        });
        commandLine.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            if (ex instanceof UsageException) {
                console.err().println("hve: " + ex.getMessage());
                return ExitStatus.USAGE;
            }
            LOG.debug("internal error", ex);
            console.err().println("hve: internal error: " + ex + " (run with -v for the stack trace)");
            return ExitStatus.INTERNAL_ERROR;
        });
        return commandLine.execute(args);
    }
}
