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
 * Exit round trips through the whole stack, on each backend: the guest executes OUT (to the
 * 16550's scratch register) or CPUID in a tight loop; each one leaves guest mode with the
 * vendor's exit record (VMX exit reason 30 / 10; SVM IOIO / CPUID), the backend's first-level
 * handler turns it into the common exit, the platform dispatches it to the device or the CPUID
 * policy, completes the instruction and re-enters. Score: exits per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ExitBenchmark {

    static final int EXITS = 10_000;

    @Param({"vmx", "svm"})
    public String backend;

    /** portio: OUT; JMP (2 instructions per exit). cpuid: XOR; CPUID; JMP (3 per exit). */
    @Param({"portio", "cpuid"})
    public String exit;

    private GuestSession session;
    private long instructionsPerBatch;

    @Setup
    public void setUp() {
        session = new GuestSession(backend, exit.equals("portio") ? "out_loop" : "cpuid_loop");
        instructionsPerBatch = (exit.equals("portio") ? 2L : 3L) * EXITS;
        session.step(1_000);
    }

    @Benchmark
    @OperationsPerInvocation(EXITS)
    public long roundTrip() {
        session.step(instructionsPerBatch);
        return session.retired();
    }
}
