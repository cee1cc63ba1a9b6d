package dev.hve.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hve.api.VmExit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each benchmark's set-up and one operation, so the benchmarks can't rot between runs of JMH.
 * Nothing here is timed: speed is measured only by JMH and bench/compare.sh.
 */
class BenchmarksRunTest {

    @ParameterizedTest
    @ValueSource(ints = {32, 64})
    void decodesTheWholeCorpus(int bits) {
        DecodeBenchmark benchmark = new DecodeBenchmark();
        benchmark.bits = bits;
        benchmark.setUp();
        assertTrue(benchmark.decode() > DecodeBenchmark.BATCH, "every instruction is at least one byte");
    }

    @ParameterizedTest
    @ValueSource(strings = {"mix_alu", "mix_mem", "mix_branch", "tlb_hit", "tlb_miss"})
    void bareCoreRunsEachGuest(String guest) {
        CoreInterpreterBenchmark benchmark = new CoreInterpreterBenchmark();
        benchmark.guest = guest;
        benchmark.setUp();
        benchmark.run();
    }

    @ParameterizedTest
    @ValueSource(strings = {"vmx", "svm"})
    void interpreterMixesRunOnEachBackend(String backend) {
        for (String mix : new String[] {"alu", "mem", "branch"}) {
            InterpreterBenchmark benchmark = new InterpreterBenchmark();
            benchmark.backend = backend;
            benchmark.mix = mix;
            benchmark.setUp();
            long before = benchmark.vcpuRetired();
            assertEquals(before + InterpreterBenchmark.INSTRUCTIONS, benchmark.run());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"vmx", "svm"})
    void exitRoundTripsRunOnEachBackend(String backend) {
        for (String exit : new String[] {"portio", "cpuid"}) {
            ExitBenchmark benchmark = new ExitBenchmark();
            benchmark.backend = backend;
            benchmark.exit = exit;
            benchmark.setUp();
            benchmark.roundTrip();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"vmx", "svm"})
    void tlbPathsRunOnEachBackend(String backend) {
        for (String path : new String[] {"hit", "miss"}) {
            TlbBenchmark benchmark = new TlbBenchmark();
            benchmark.backend = backend;
            benchmark.path = path;
            benchmark.setUp();
            benchmark.load();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"vmx", "svm"})
    void mmioRunsOnEachBackend(String backend) {
        MmioBenchmark benchmark = new MmioBenchmark();
        benchmark.backend = backend;
        benchmark.setUp();
        long[] mmioExits = new long[1];
        benchmark.session.observe((sequence, vcpu, rip, exit, portValue, nanos) -> {
            if (exit instanceof VmExit.MmioAccess) {
                mmioExits[0]++;
            }
        });
        benchmark.access();
        // The score divides by 2 * ITERATIONS: one operation must be that many accesses (the
        // step overshoots by at most one loop iteration), or the figure is off by the difference.
        long expected = 2L * MmioBenchmark.ITERATIONS;
        assertTrue(mmioExits[0] >= expected && mmioExits[0] <= expected + 2,
            mmioExits[0] + " MMIO accesses in one operation, scored as " + expected);

        MmioEmulationBenchmark emulation = new MmioEmulationBenchmark();
        emulation.backend = backend;
        emulation.setUp();
        long next = emulation.emulate();
        assertEquals(next, emulation.emulate(), "each operation emulates the same store from the same RIP");
    }

    @ParameterizedTest
    @ValueSource(strings = {"vmx", "svm"})
    void wholeGuestRunsRepeatInOneMachine(String backend, @TempDir Path dir) throws IOException {
        Files.write(dir.resolve("finish.elf"), GuestImages.load("finish.elf"));
        WholeGuestBenchmark benchmark = new WholeGuestBenchmark();
        benchmark.workload = "finish";
        benchmark.backend = backend;
        benchmark.workloads = dir;
        benchmark.setUp();
        WholeGuestBenchmark.Retired retired = new WholeGuestBenchmark.Retired();
        long first = benchmark.run(retired);
        // The reloaded kernel runs the same instructions again (its loop, the exit): the score
        // counts each run's own instructions, never the ones before it.
        assertEquals(first, benchmark.run(retired));
        assertEquals(2 * first, retired.instructions);
        assertTrue(first > 60_000, first + " instructions in the finishing guest's run");
    }
}
