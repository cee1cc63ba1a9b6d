package dev.hve.bench;

import dev.hve.api.Register;
import dev.hve.api.Vcpu;
import dev.hve.api.VmExit;
import dev.hve.platform.dispatch.MmioEmulation;
import dev.hve.platform.machine.HostCpuModel;
import dev.hve.platform.machine.Machine;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The monitor's half of an MMIO access alone, on each backend: the vCPU stands at a real EPT
 * violation or nested page fault (the {@code mmio_loop} guest's store to the I/O APIC window), and
 * each operation is what the platform does with it: take the instruction bytes (SVM decode
 * assists) or fetch them through the guest's paging (VT-x), decode, execute against the MMIO bus,
 * write RIP back. RIP is then set back to the store so the next operation emulates it again. The
 * full round trip, with the guest running and exiting, is {@link MmioBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MmioEmulationBenchmark {

    @Param({"vmx", "svm"})
    public String backend;

    private Vcpu vcpu;
    private VmExit.MmioAccess exit;
    private MmioEmulation emulation;
    private long rip;

    @Setup
    public void setUp() {
        GuestSession session = new GuestSession(backend, "mmio_loop");
        Machine machine = session.machine();
        vcpu = session.vcpu();
        VmExit first = vcpu.run(1_000);
        if (!(first instanceof VmExit.MmioAccess access) || !access.write()) {
            throw new IllegalStateException("mmio_loop on " + backend + " did not stop at its MMIO store: " + first);
        }
        exit = access;
        rip = vcpu.register(Register.RIP);
        emulation = new MmioEmulation(new HostCpuModel(session.host()), machine.vm().memory(), machine.mmioBus());
    }

    @Benchmark
    public long emulate() {
        emulation.emulate(vcpu, exit);
        long next = vcpu.register(Register.RIP);
        vcpu.setRegister(Register.RIP, rip);
        return next;
    }
}
