package dev.hve.cli.config;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything {@code hve run} was asked to do, parsed and validated.
 *
 * @param backend     "auto" or a backend name
 * @param hostCpu     a host CPU model name, or null for the real host's vendor
 * @param kernel      the guest image, or null for the embedded demo guest
 * @param serial      "stdio", "none" or "file:PATH"
 * @param traceExits  where to write one JSON line per exit, or null
 * @param pluginPath  directories of plug-in jars
 * @param hostClock   guest time from the host clock instead of retired instructions
 * @param guestCpu    the CPU model the guest's CPUID shows, or null for the host's
 * @param intercepts  exits asked for beyond the monitor's own, for tracing
 */
public record RunOptions(String backend, String hostCpu, long memoryBytes, int smp, Path kernel, String append,
                         List<ModuleSpec> modules, String serial, Path traceExits, boolean stats,
                         long maxInstructions, long timeoutMillis, List<Path> pluginPath, boolean hostClock,
                         String guestCpu, InterceptSpec intercepts) {

    /** A multiboot module: a file and the command line the guest sees for it. */
    public record ModuleSpec(Path file, String commandLine) {
    }

    /** The options that only select a host CPU and backend, for {@code hve backends}. */
    public static RunOptions selectionOnly(String backend, String hostCpu, List<Path> pluginPath) {
        return new RunOptions(backend, hostCpu, 128L << 20, 1, null, null, List.of(), "stdio", null, false, 0, 0,
            pluginPath, false, null, InterceptSpec.NONE);
    }
}
