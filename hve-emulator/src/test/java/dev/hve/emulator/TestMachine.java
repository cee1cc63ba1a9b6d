package dev.hve.emulator;

import dev.hve.emulator.control.GuestControls;
import dev.hve.emulator.control.HypercallInstruction;
import dev.hve.emulator.cpu.CpuState;
import dev.hve.emulator.cpuid.CpuModel;
import dev.hve.emulator.cpuid.CpuModels;
import dev.hve.emulator.memory.HostMemory;
import java.util.ArrayList;
import java.util.List;

/**
 * A guest-physical = host-physical machine for unit tests: guest RAM at host address 0, a fake
 * {@link GuestControls} that records every hook call and exits on the ones a test asks for.
 */
public final class TestMachine implements GuestControls {

    public final HostMemory memory = new HostMemory();
    public final X86Core core;
    public final CpuState s;
    public final List<String> log = new ArrayList<>();
    public final StringBuilder output = new StringBuilder();
    public long ramSize;

    public boolean exitOnIo;
    public boolean exitOnCpuid;
    public boolean exitOnHlt;
    public boolean exitOnMsr;
    public boolean exitOnHypercall;
    public boolean exitOnInvlpg;
    public boolean exitOnPause;
    public boolean exitOnBoundary;
    public int exitOnException = -1;
    /** Guest-physical addresses at or above this leave guest mode (an MMIO hole). */
    public long mmioStart = Long.MAX_VALUE;
    public boolean shutdown;
    /** Every OUT as "port=value" (hex), in order. */
    public final List<String> outs = new ArrayList<>();
    /** An OUT to this port leaves guest mode (like a debug-exit device); -1 for none. */
    public int exitPort = -1;
    public int exitPort2 = -1;
    /** No logging at all (the allocation test must see the core's own allocations only). */
    public boolean quiet;

    public TestMachine() {
        this(CpuModels.intel(), 4 << 20);
    }

    public TestMachine(CpuModel model, long ram) {
        memory.allocate(ram, 4096);
        ramSize = ram;
        core = new X86Core(memory, model, this);
        s = core.state();
    }

    /** 32-bit flat protected mode, paging off, CPL 0, like a multiboot entry. */
    public TestMachine flat32() {
        s.cr0 = CpuState.CR0_PE | CpuState.CR0_ET;
        for (int seg = CpuState.ES; seg <= CpuState.GS; seg++) {
            s.segmentSelector[seg] = seg == CpuState.CS ? 0x08 : 0x10;
            s.segmentBase[seg] = 0;
            s.segmentLimit[seg] = 0xFFFF_FFFF;
            s.segmentAttributes[seg] = seg == CpuState.CS ? 0xC09B : 0xC093;
        }
        s.cpl = 0;
        s.rflags = CpuState.FIXED_ONE;
        s.gpr[4] = 0x8000;
        return this;
    }

    /** 64-bit mode with identity-mapped 2 MiB pages over the first 1 GiB (tables at 0x70000). */
    public TestMachine long64() {
        flat32();
        long pml4 = 0x70000;
        long pdpt = 0x71000;
        long pd = 0x72000;
        memory.write64(pml4, pdpt | 7);
        memory.write64(pdpt, pd | 7);
        for (int i = 0; i < 512; i++) {
            memory.write64(pd + 8L * i, ((long) i << 21) | 0x87);
        }
        s.cr3 = pml4;
        s.cr4 = CpuState.CR4_PAE;
        s.efer = CpuState.EFER_LME | CpuState.EFER_LMA | CpuState.EFER_SCE;
        s.cr0 |= CpuState.CR0_PG;
        s.segmentAttributes[CpuState.CS] = 0xA09B;
        s.segmentSelector[CpuState.CS] = 0x18; // the 64-bit code selector of flatGdt()
        return this;
    }

    /** Real mode at 0000:ip. */
    public TestMachine real() {
        s.resetToRealMode();
        for (int seg = CpuState.ES; seg <= CpuState.GS; seg++) {
            s.loadRealModeSegment(seg, 0);
        }
        s.segmentAttributes[CpuState.CS] = 0x9B;
        s.gpr[4] = 0x7000;
        return this;
    }

    public TestMachine load(long address, int... bytes) {
        for (int i = 0; i < bytes.length; i++) {
            memory.write8(address + i, bytes[i]);
        }
        return this;
    }

    public TestMachine at(long rip) {
        s.rip = rip;
        return this;
    }

    public StopReason run(long budget) {
        return core.run(budget);
    }

    @Override
    public long translateGuestPhysical(long guestPhysical, int access, long linearAddress) {
        if (guestPhysical >= mmioStart || guestPhysical >= ramSize) {
            if ((access & ACCESS_PEEK) == 0) {
                log.add(String.format("npf gpa=%x access=%d linear=%x", guestPhysical, access, linearAddress));
            }
            return -1;
        }
        return guestPhysical;
    }

    @Override
    public boolean ioInstruction(int port, int size, boolean in, boolean string, boolean rep, boolean immediate,
                                 int addressSize, int segment, int length) {
        if (quiet) {
            return exitOnIo;
        }
        log.add(String.format("io port=%x size=%d in=%b string=%b rep=%b imm=%b len=%d", port, size, in, string, rep,
            immediate, length));
        if (!in && !string) {
            outs.add(Integer.toHexString(port) + "=" + Long.toHexString(s.gpr[0] & (size == 4 ? 0xFFFF_FFFFL : (1L << (8 * size)) - 1)));
            if (port == exitPort || port == exitPort2) {
                return true;
            }
        }
        if (!in && !string && port == 0x3F8 && !exitOnIo) {
            output.append((char) (s.gpr[0] & 0xFF));
        }
        return exitOnIo;
    }

    @Override
    public boolean cpuid(int length) {
        log.add("cpuid len=" + length);
        return exitOnCpuid;
    }

    @Override
    public boolean hlt(int length) {
        log.add("hlt len=" + length);
        return exitOnHlt;
    }

    @Override
    public boolean msr(boolean write, int length) {
        log.add("msr write=" + write + " ecx=" + Long.toHexString(s.gpr[1] & 0xFFFF_FFFFL));
        return exitOnMsr;
    }

    @Override
    public boolean invlpg(long linearAddress, int length) {
        log.add(String.format("invlpg %x len=%d", linearAddress, length));
        return exitOnInvlpg;
    }

    @Override
    public boolean pause(int length) {
        log.add("pause len=" + length);
        return exitOnPause;
    }

    @Override
    public boolean hypercall(HypercallInstruction instruction, int length) {
        log.add("hypercall " + instruction + " len=" + length);
        return exitOnHypercall;
    }

    @Override
    public boolean exception(int vector, boolean hasErrorCode, int errorCode, long faultAddress) {
        if (quiet) {
            return vector == exitOnException;
        }
        log.add(String.format("exception %d err=%b/%x cr2=%x", vector, hasErrorCode, errorCode, faultAddress));
        return vector == exitOnException;
    }

    @Override
    public void shutdown() {
        log.add("shutdown");
        shutdown = true;
    }

    @Override
    public boolean instructionBoundary(boolean interruptible) {
        return exitOnBoundary && interruptible;
    }

    /**
     * Writes a flat GDT at {@code base}: null, code32 (08), data32 (10), code64 (18), code16 (20),
     * data16 (28). {@link #flat32()} uses 08/10 and {@link #long64()} uses 18/10.
     */
    public void flatGdt(long base) {
        memory.write64(base, 0);
        memory.write64(base + 0x08, 0x00CF_9B00_0000_FFFFL);
        memory.write64(base + 0x10, 0x00CF_9300_0000_FFFFL);
        memory.write64(base + 0x18, 0x00AF_9B00_0000_FFFFL);
        memory.write64(base + 0x20, 0x0000_9B00_0000_FFFFL);
        memory.write64(base + 0x28, 0x0000_9300_0000_FFFFL);
        s.gdtrBase = base;
        s.gdtrLimit = 0x2F;
    }

    /** A 32-bit interrupt gate for {@code vector} to 08:handler in an IDT at {@code idt}. */
    public void gate32(long idt, int vector, long handler, int dpl) {
        long g = (handler & 0xFFFF) | (0x08L << 16) | ((0x8EL | ((long) dpl << 5)) << 40) | ((handler & 0xFFFF_0000L) << 32);
        memory.write64(idt + 8L * vector, g);
    }

    /** A 64-bit interrupt gate to 18:handler with an IST index. */
    public void gate64(long idt, int vector, long handler, int ist) {
        long low = (handler & 0xFFFF) | (0x18L << 16) | ((long) ist << 32) | (0x8EL << 40)
            | ((handler & 0xFFFF_0000L) << 32);
        memory.write64(idt + 16L * vector, low);
        memory.write64(idt + 16L * vector + 8, handler >>> 32);
    }
}
