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
 * MMIO decode + emulate, on each backend: the guest stores to and loads from the I/O APIC window
 * (0xFEC00000 / 0xFEC00010) in a loop. Each access is an EPT violation or nested page fault on a
 * non-RAM address; the platform fetches or takes (SVM decode assists) the instruction bytes,
 * decodes and emulates it against the MMIO bus, and resumes. Score: MMIO accesses per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MmioBenchmark {

    /** Loop iterations per invocation; each is MOV store, MOV load, JMP: two MMIO accesses. */
    static final int ITERATIONS = 5_000;

    @Param({"vmx", "svm"})
    public String backend;

    GuestSession session;

    @Setup
    public void setUp() {
        session = new GuestSession(backend, "mmio_loop");
        session.step(1_000);
    }

    @Benchmark
    @OperationsPerInvocation(2 * ITERATIONS)
    public long access() {
        session.step(3L * ITERATIONS);
        return session.retired();
    }
}
