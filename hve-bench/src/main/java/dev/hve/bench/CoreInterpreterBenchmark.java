package dev.hve.bench;

import dev.hve.emulator.StopReason;
import dev.hve.emulator.X86Core;
import dev.hve.emulator.control.GuestControls;
import dev.hve.emulator.cpu.CpuState;
import dev.hve.emulator.cpuid.CpuModels;
import dev.hve.emulator.memory.HostMemory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
 * The bare core, without a backend: the same micro-guests as {@link InterpreterBenchmark} and
 * {@link TlbBenchmark} run on an {@link X86Core} whose controls translate guest-physical to
 * host-physical one to one and never exit. The gap to the backend benchmarks is what the VMCS /
 * VMCB model and EPT / NPT cost. Score: guest instructions retired per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CoreInterpreterBenchmark {

    static final int INSTRUCTIONS = 1_000_000;
    private static final long RAM = 128L << 20;

    @Param({"mix_alu", "mix_mem", "mix_branch", "tlb_hit", "tlb_miss"})
    public String guest;

    private X86Core core;

    /** Identity guest-physical translation over RAM; everything else would be an exit. */
    private static final class IdentityControls implements GuestControls {
        @Override
        public long translateGuestPhysical(long guestPhysical, int access, long linearAddress) {
            return guestPhysical >= 0 && guestPhysical < RAM ? guestPhysical : -1;
        }
    }

    @Setup
    public void setUp() {
        HostMemory memory = new HostMemory();
        memory.allocate(RAM, 4096);
        core = new X86Core(memory, CpuModels.intel(), new IdentityControls());
        long entry = loadElf32(GuestImages.load(guest + ".elf"), memory);
        CpuState s = core.state();
        // 32-bit flat protected mode, paging off, CPL 0: what a multiboot loader leaves.
        s.cr0 = CpuState.CR0_PE | CpuState.CR0_ET;
        for (int seg = CpuState.ES; seg <= CpuState.GS; seg++) {
            s.segmentSelector[seg] = seg == CpuState.CS ? 0x08 : 0x10;
            s.segmentBase[seg] = 0;
            s.segmentLimit[seg] = 0xFFFF_FFFF;
            s.segmentAttributes[seg] = seg == CpuState.CS ? 0xC09B : 0xC093;
        }
        s.cpl = 0;
        s.rflags = CpuState.FIXED_ONE;
        s.rip = entry;
        // Past the set-up code (the TLB guests build page tables and enter long mode first).
        run(guest.startsWith("tlb") ? 1_000_000 : 10_000);
    }

    private void run(long instructions) {
        long before = core.retiredInstructions();
        StopReason reason = core.run(instructions);
        long retired = core.retiredInstructions() - before;
        if (reason != StopReason.BUDGET_EXHAUSTED || retired != instructions) {
            throw new IllegalStateException(String.format("%s stopped after %d of %d instructions (%s) at RIP 0x%x",
                guest, retired, instructions, reason, core.state().rip));
        }
    }

    @Benchmark
    @OperationsPerInvocation(INSTRUCTIONS)
    public long run() {
        run(INSTRUCTIONS);
        return core.retiredInstructions();
    }

    /** Copies an ELF32 image's PT_LOAD segments to their physical addresses; returns the entry. */
    static long loadElf32(byte[] image, HostMemory memory) {
        ByteBuffer elf = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        if (elf.getInt(0) != 0x464C457F || image[4] != 1) {
            throw new IllegalArgumentException("not an ELF32 image");
        }
        long entry = elf.getInt(24) & 0xFFFF_FFFFL;
        int phoff = elf.getInt(28);
        int phentsize = elf.getShort(42) & 0xFFFF;
        int phnum = elf.getShort(44) & 0xFFFF;
        for (int i = 0; i < phnum; i++) {
            int ph = phoff + i * phentsize;
            if (elf.getInt(ph) != 1) {
                continue;
            }
            int offset = elf.getInt(ph + 4);
            long paddr = elf.getInt(ph + 12) & 0xFFFF_FFFFL;
            int fileSize = elf.getInt(ph + 16);
            int memSize = elf.getInt(ph + 20);
            memory.writeBytes(paddr, image, offset, fileSize);
            if (memSize > fileSize) {
                memory.clear(paddr + fileSize, memSize - fileSize);
            }
        }
        return entry;
    }
}
