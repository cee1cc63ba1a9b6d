package dev.hve.cli.run;

import dev.hve.cli.config.ExitStatus;
import dev.hve.cli.config.UsageException;
import dev.hve.cli.config.Console;
import dev.hve.cli.config.InterceptSpec;
import dev.hve.cli.config.RunOptions;
import dev.hve.cli.backend.StartupSelection;
import dev.hve.cli.stats.RunStatistics;
import dev.hve.cli.trace.ExitTraceWriter;
import dev.hve.cli.trace.ObserverChain;
import dev.hve.platform.ExitObserver;
import dev.hve.platform.machine.Machine;
import dev.hve.platform.RunLimits;
import dev.hve.platform.RunOutcome;
import dev.hve.platform.boot.BootException;
import dev.hve.platform.boot.BootModule;
import dev.hve.platform.boot.LoadedGuest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.inject.Inject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code hve run}: loads the guest into the machine, runs it, and turns the outcome into a status. */
public final class GuestRunner {

    private static final Logger LOG = LoggerFactory.getLogger(GuestRunner.class);
    /** The embedded demo guest, assembled from guests/demo/demo.s at build time. */
    static final String DEMO_RESOURCE = "/dev/hve/cli/guests/demo.elf";

    private final RunOptions options;
    private final StartupSelection selection;
    private final Machine machine;
    private final Console console;

    @Inject
    GuestRunner(RunOptions options, StartupSelection selection, Machine machine, Console console) {
        this.options = options;
        this.selection = selection;
        this.machine = machine;
        this.console = console;
    }

    public int run() {
        LOG.info("host CPU model: {} ({}): {}", selection.host().cpu().name(), selection.host().cpu().vendor(),
            selection.host().reason());
        LOG.info("backend: {}: {}", selection.backend().provider().name(), selection.backend().reason());
        String name = options.kernel() == null ? "demo guest" : options.kernel().toString();
        byte[] image = options.kernel() == null ? demoImage() : readFile(options.kernel(), "kernel");
        List<BootModule> modules = new ArrayList<>();
        for (RunOptions.ModuleSpec module : options.modules()) {
            modules.add(new BootModule(module.file().toString(), readFile(module.file(), "module"),
                module.commandLine()));
        }
        LoadedGuest loaded;
        try {
            loaded = machine.load(name, image, options.append(), modules);
        } catch (BootException e) {
            throw new UsageException(e.getMessage());
        }
        LOG.info("loaded {} through {}: image 0x{}-0x{}, entry 0x{}", name, loaded.protocol(),
            Long.toHexString(loaded.imageStart()), Long.toHexString(loaded.imageEnd() - 1),
            Long.toHexString(loaded.entry()));

        InterceptSpec intercepts = options.intercepts();
        if (!intercepts.isEmpty()) {
            machine.interceptAlso(intercepts.exceptionVectors(), intercepts.rdtsc(), intercepts.invlpg(),
                intercepts.instructions());
        }
        RunStatistics statistics = new RunStatistics();
        List<ExitObserver> observers = new ArrayList<>();
        observers.add(statistics);
        ExitTraceWriter trace = openTrace();
        if (trace != null) {
            observers.add(trace);
        }
        // A progress line on the terminal would overwrite the guest's console when that is there too.
        if (System.console() != null && !options.serial().equals("stdio")) {
            observers.add(new ProgressReporter(console.err()));
        }
        long start = System.nanoTime();
        RunOutcome outcome;
        try {
            outcome = machine.run(new RunLimits(options.maxInstructions(), options.timeoutMillis()),
                new ObserverChain(observers));
        } finally {
            closeTrace(trace);
        }
        long wall = System.nanoTime() - start;
        console.out().flush();
        if (options.stats()) {
            statistics.print(console.err(), machine.vcpu(0).retiredInstructions(), wall);
        }
        int status = OutcomeStatus.of(outcome);
        if (status == ExitStatus.CLEAN || outcome instanceof RunOutcome.DebugExit) {
            LOG.info("{}", outcome.describe());
        } else {
            console.err().println("hve: " + outcome.describe());
        }
        return status;
    }

    private static byte[] demoImage() {
        try (InputStream in = GuestRunner.class.getResourceAsStream(DEMO_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the demo guest " + DEMO_RESOURCE + " is missing from the runner's "
                    + "class path; rebuild with ./hve or mvn package");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] readFile(Path file, String what) {
        try {
            if (Files.isDirectory(file)) {
                throw new UsageException(what + " " + file + " is a directory, not a file");
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new UsageException(what + " " + file + ": no such file");
        } catch (IOException e) {
            throw new UsageException("cannot read " + what + " " + file + ": " + e.getMessage());
        }
    }

    private ExitTraceWriter openTrace() {
        if (options.traceExits() == null) {
            return null;
        }
        try {
            return new ExitTraceWriter(options.traceExits());
        } catch (IOException e) {
            throw new UsageException("cannot write the exit trace " + options.traceExits() + ": " + e.getMessage());
        }
    }

    private static void closeTrace(ExitTraceWriter trace) {
        if (trace != null) {
            try {
                trace.close();
            } catch (IOException e) {
                LOG.warn("closing the exit trace failed: {}", e.getMessage());
            }
        }
    }
}
