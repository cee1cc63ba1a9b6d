package dev.hve.bench;

import dev.hve.api.Register;
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
 * TLB hit and miss paths, on each backend: a long-mode guest with 4-level paging (4 KiB pages)
 * loads one quadword per page, cycling over 4 pages (every load hits the software TLB) or over
 * 8192 pages, 32 MiB (every load misses: a guest page walk, each step of it translated through
 * EPT or NPT). Four instructions per load, two more at each wrap. Score: guest instructions per
 * second; compare hit with miss.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TlbBenchmark {

    static final int INSTRUCTIONS = 400_000;
    private static final long EFER_LMA = 1 << 10;

    @Param({"vmx", "svm"})
    public String backend;

    @Param({"hit", "miss"})
    public String path;

    private GuestSession session;

    @Setup
    public void setUp() {
        session = new GuestSession(backend, "tlb_" + path);
        // Building the page tables and switching to long mode takes about 120,000 instructions.
        session.step(1_000_000);
        if ((session.vcpu().register(Register.EFER) & EFER_LMA) == 0) {
            throw new IllegalStateException("tlb_" + path + " on " + backend + " did not reach long mode");
        }
    }

    @Benchmark
    @OperationsPerInvocation(INSTRUCTIONS)
    public long load() {
        session.step(INSTRUCTIONS);
        return session.retired();
    }
}
