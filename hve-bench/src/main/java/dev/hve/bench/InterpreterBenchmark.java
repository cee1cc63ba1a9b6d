package dev.hve.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The interpreter on fixed instruction mixes (bench/jmh-guests/mix_*.s: register ALU, memory,
 * branches and calls), 32-bit protected mode, through the public API on each backend. The
 * guests never exit, so this is the core's speed under the backend's EPT or NPT. Score: guest
 * instructions retired per second (divide by 1e6 for MIPS).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class InterpreterBenchmark {

    static final int INSTRUCTIONS = 1_000_000;

    @Param({"vmx", "svm"})
    public String backend;

    @Param({"alu", "mem", "branch"})
    public String mix;

    private GuestSession session;

    @Setup
    public void setUp() {
        session = new GuestSession(backend, "mix_" + mix);
        session.step(10_000);
    }

    long vcpuRetired() {
        return session.retired();
    }

    @Benchmark
    @OperationsPerInvocation(INSTRUCTIONS)
    public long run() {
        session.step(INSTRUCTIONS);
        return session.retired();
    }
}
