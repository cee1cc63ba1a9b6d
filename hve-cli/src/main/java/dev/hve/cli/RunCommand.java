package dev.hve.cli;

import dev.hve.cli.config.UsageException;
import dev.hve.cli.config.Console;
import dev.hve.cli.config.InterceptSpec;
import dev.hve.cli.config.RunOptions;
import dev.hve.cli.di.RunnerComponent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hve run [options] [KERNEL]}: boots a guest; with no KERNEL, the embedded demo guest. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Runs a guest kernel on the backend chosen from the host CPU's CPUID.",
        "With no KERNEL, runs the embedded demo guest."},
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
        "0:the guest requested a reset or shut down cleanly",
        "odd:the guest wrote v to the debug-exit port 0xF4: (v << 1) | 1",
        "2:bad command line or guest image",
        "4:the guest triple-faulted",
        "6:VM entry failed (invalid guest state / VMRUN checks)",
        "8:an exit the platform does not handle",
        "10:--max-instructions reached",
        "12:--timeout reached",
        "14:the guest halted with nothing that could wake it",
        "70:internal error in HVE"})
final class RunCommand implements Callable<Integer> {

    private final Console console;

    @Mixin
    HostSelectionOptions selection = new HostSelectionOptions();

    @Option(names = "--cpu", paramLabel = "MODEL",
        description = "The CPU model the guest's CPUID shows (as QEMU's -cpu): intel, amd, or a plug-in's model. "
            + "Default: the host CPU's, filtered. The same model on two backends gives identical guests.")
    String guestCpu;

    @Option(names = {"-m", "--memory"}, paramLabel = "SIZE", defaultValue = "128M", converter = SizeConverter.class,
        description = "Guest RAM, such as 128M or 1G (a bare number is MiB). Default: ${DEFAULT-VALUE}.")
    long memory;

    @Option(names = "--smp", paramLabel = "N", defaultValue = "1", description = "Number of vCPUs. Default: ${DEFAULT-VALUE}.")
    int smp;

    @Option(names = "--kernel", paramLabel = "FILE",
        description = "The guest kernel, as QEMU's -kernel: a bzImage, a multiboot kernel, a PVH or ELF64 vmlinux.")
    Path kernelOption;

    @Option(names = "--append", paramLabel = "CMDLINE", description = "The kernel command line.")
    String append;

    @Option(names = "--module", paramLabel = "FILE[,CMDLINE]",
        description = "A multiboot module, with an optional command line after a comma. Repeatable.")
    List<String> modules = new ArrayList<>();

    @Option(names = "--initrd", paramLabel = "FILE",
        description = "An initial ramdisk for Linux (bzImage or PVH); for multiboot kernels, a module.")
    Path initrd;

    @Option(names = "--serial", paramLabel = "TARGET", defaultValue = "stdio",
        description = "Where COM1 goes: stdio, none, or file:PATH. Default: ${DEFAULT-VALUE}.")
    String serial;

    @Option(names = "--trace-exits", paramLabel = "FILE", description = "Write one JSON object per exit to FILE.")
    Path traceExits;

    @Option(names = "--stats", description = "Print exit counts, instructions, MIPS and timing to stderr at the end.")
    boolean stats;

    @Option(names = "--max-instructions", paramLabel = "N", defaultValue = "0",
        description = "Stop after N retired guest instructions (0: no limit).")
    long maxInstructions;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
        description = "Stop after this much wall time, such as 500ms, 10s or 2m.")
    Long timeout;

    @Option(names = "--clock", paramLabel = "virtual|host", defaultValue = "virtual",
        description = "Guest time source: virtual (from retired instructions; deterministic) or host. Default: ${DEFAULT-VALUE}.")
    String clock;

    @Option(names = "--intercept", paramLabel = "ITEM", split = ",",
        description = "Also take these exits, to see them with --trace-exits: rdtsc, invlpg, pause, wbinvd, invd, "
            + "rdpmc, xsetbv, mov-dr, mov-cr, descriptor-table, all, or exception=N (reflected to the guest).")
    List<String> intercept = new ArrayList<>();

    @Mixin
    LoggingOptions logging = new LoggingOptions();

    @Parameters(index = "0", arity = "0..1", paramLabel = "KERNEL",
        description = "The guest kernel (the same as --kernel); with neither, the embedded demo guest.")
    Path kernel;

    RunCommand(Console console) {
        this.console = console;
    }

    @Override
    public Integer call() {
        logging.apply();
        if (smp < 1 || smp > 255) {
            throw new UsageException("--smp must be 1-255, not " + smp);
        }
        if (!clock.equals("virtual") && !clock.equals("host")) {
            throw new UsageException("--clock must be virtual or host, not '" + clock + "'");
        }
        if (maxInstructions < 0) {
            throw new UsageException("--max-instructions must not be negative");
        }
        if (kernel != null && kernelOption != null) {
            throw new UsageException("give the kernel either as KERNEL or with --kernel, not both");
        }
        Path guest = kernel != null ? kernel : kernelOption;
        List<RunOptions.ModuleSpec> moduleSpecs = new ArrayList<>();
        for (String module : modules) {
            int comma = module.indexOf(',');
            moduleSpecs.add(comma < 0 ? new RunOptions.ModuleSpec(Path.of(module), null)
                : new RunOptions.ModuleSpec(Path.of(module.substring(0, comma)), module.substring(comma + 1)));
        }
        if (initrd != null) {
            moduleSpecs.add(new RunOptions.ModuleSpec(initrd, null));
        }
        RunOptions options = new RunOptions(selection.backend, selection.hostCpu, memory, smp, guest, append,
            List.copyOf(moduleSpecs), serial, traceExits, stats, maxInstructions, timeout == null ? 0 : timeout,
            List.copyOf(selection.pluginPath), clock.equals("host"), guestCpu, InterceptSpec.parse(intercept));
        return RunnerComponent.create(options, console).guestRunner().run();
    }
}
