package dev.hve.bench;

import dev.hve.platform.RunLimits;
import dev.hve.platform.RunOutcome;
import dev.hve.platform.boot.BootException;
import dev.hve.platform.machine.Machine;
import dev.hve.platform.machine.MachineConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A whole-guest workload of {@code bench/compare.sh} (sieve, CRC-32, matrix multiply: built by
 * {@code bench/build.sh} into {@code bench/build/full}) run again and again in one machine, warmed
 * up: the same kernel is loaded afresh at the same addresses before each run, so the core keeps
 * its decoded and compiled blocks (their bytes are unchanged) and HotSpot has long compiled them.
 * This is the steady state that a single {@code hve run} of under a second never reaches, and
 * the figure by which the two backends are compared ({@code compare.sh} measures the run a user
 * sees, start-up and JIT warm-up included).
 *
 * <p>Score: the {@code instructions} counter, guest instructions retired per second (divide by
 * 1e6 for MIPS). Every run must end with the workload's self-check passing (status 67).
 * {@code -Dhve.bench.workloads=DIR} names another directory of built workloads.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(2)
public class WholeGuestBenchmark {

    /** The status of a run whose self-check passed: debug-exit value 0x21. */
    static final int PASSED = 67;
    private static final long MEMORY = 128L << 20;
    private static final long TIMEOUT_MILLIS = 120_000;

    @Param({"sieve", "crc32", "matmul"})
    public String workload;

    @Param({"vmx", "svm"})
    public String backend;

    /** Where the built workloads are (default: {@code hve.bench.workloads}, else bench/build/full). */
    public Path workloads = Path.of(System.getProperty("hve.bench.workloads", "bench/build/full"));

    private Machine machine;
    private byte[] kernel;

    /** Guest instructions retired in the iteration, reported per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Retired {
        public long instructions;

        @Setup(Level.Iteration)
        public void clear() {
            instructions = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        Path file = workloads.resolve(workload + ".elf");
        try {
            kernel = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(file.toAbsolutePath() + " is missing: build the workloads first "
                + "(bench/build.sh), or name their directory with -Dhve.bench.workloads", e);
        }
        Backends.Choice choice = Backends.byName(backend);
        machine = new Machine(choice.provider().createVm(choice.host()), choice.host(),
            new MachineConfig(MEMORY, 1, OutputStream.nullOutputStream()), List.of());
    }

    /** One whole run of the workload, from its entry to its debug exit; returns its instructions. */
    @Benchmark
    public long run(Retired retired) {
        long before = machine.vcpu(0).retiredInstructions();
        try {
            machine.load(workload, kernel, "", List.of());
        } catch (BootException e) {
            throw new IllegalStateException("cannot load " + workload + ": " + e.getMessage(), e);
        }
        RunOutcome outcome = machine.run(new RunLimits(0, TIMEOUT_MILLIS), null);
        if (WorkloadBatch.statusOf(outcome) != PASSED) {
            throw new IllegalStateException(workload + " on " + backend + " did not pass: " + outcome.describe());
        }
        long instructions = machine.vcpu(0).retiredInstructions() - before;
        retired.instructions += instructions;
        return instructions;
    }
}
