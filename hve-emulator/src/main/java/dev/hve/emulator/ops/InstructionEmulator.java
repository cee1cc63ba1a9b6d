package dev.hve.emulator.ops;

import dev.hve.emulator.control.GuestControls;
import dev.hve.emulator.cpu.CpuState;
import dev.hve.emulator.cpuid.CpuModel;
import dev.hve.emulator.decode.Instruction;
import dev.hve.emulator.exec.ExitSignal;
import dev.hve.emulator.exec.Fault;
import dev.hve.emulator.exec.Interpreter;
import dev.hve.emulator.exec.LinearMemory;
import dev.hve.emulator.msr.MsrModel;

/**
 * Decodes and executes exactly one instruction against an {@link EmulationOps}: the core's own
 * decoder and executor, run over a scratch {@link CpuState} filled through the caller's register
 * accessors, and a memory adapter over the caller's callbacks. This is how MMIO decode reuses the core (DESIGN.md,
 * "KVM's emulator interface").
 *
 * <p>Instructions that would consult a virtualization hook run as if nothing intercepts them; port
 * I/O reads all ones; instructions that change system state (segment loads, control registers,
 * MSRs) act on the scratch state only, so MMIO decode should use this for data-moving instructions.
 * One instance per thread; it allocates nothing per instruction.
 */
public final class InstructionEmulator {

    /** How {@link #emulate} ended. */
    public enum Outcome {
        /** The instruction completed; state was written back (RIP advanced). */
        OK,
        /** It raised an exception: see {@link #vector()}; no state was written back. */
        EXCEPTION
    }

    private static final GuestControls NO_EXITS = (gpa, access, linear) -> gpa;
    /** The longest instruction (Intel SDM Vol. 2A §2.3.11). */
    private static final int MAX_INSTRUCTION = 15;

    private final CpuState scratch = new CpuState();
    private final long[] before = new long[16];
    private final Adapter memory = new Adapter();
    private final Fault fault = new Fault();
    private final Interpreter interpreter;

    private int vector;
    private boolean hasErrorCode;
    private int errorCode;
    private long faultAddress;

    public InstructionEmulator(CpuModel model) {
        int[] regs = new int[4];
        model.cpuid(0, 0, regs);
        boolean amd = regs[1] == 0x6874_7541;
        this.interpreter = new Interpreter(scratch, memory, NO_EXITS, model, new MsrModel(scratch, amd), fault);
    }

    /**
     * Decodes and executes the instruction at the caller's CS:RIP. On success the GPRs the
     * instruction changed, RIP and RFLAGS are written back through the ops.
     */
    public Outcome emulate(EmulationOps ops) {
        return emulate(ops, 0, null, 0);
    }

    /**
     * As {@link #emulate(EmulationOps)}, with the instruction's bytes already in hand: {@code
     * length} bytes of {@code bytes} are what the guest holds at linear address {@code linear}
     * (CS.base + RIP), for example from SVM's decode assists or from the monitor's own fetch
     * through guest paging. The decoder reads them directly instead of one {@link
     * EmulationOps#fetchByte} call per byte; bytes past them still come from {@code fetchByte}.
     */
    public Outcome emulate(EmulationOps ops, long linear, byte[] bytes, int length) {
        memory.ops = ops;
        memory.window = bytes;
        memory.windowLinear = linear;
        memory.windowLength = length;
        CpuState s = scratch;
        long[] gpr = s.gpr;
        ops.readGprs(gpr);
        for (int r = 0; r < 16; r++) {
            before[r] = gpr[r];
        }
        s.rip = ops.readRip();
        long flags = ops.readRflags();
        s.rflags = flags;
        ops.readSegments(s.segmentSelector, s.segmentBase, s.segmentLimit, s.segmentAttributes);
        s.cr0 = ops.readControlRegister(0);
        s.cr3 = ops.readControlRegister(3);
        s.cr4 = ops.readControlRegister(4);
        s.efer = ops.readEfer();
        s.cpl = ops.cpl();
        s.halted = false;
        s.interruptShadow = false;
        try {
            interpreter.step();
            if (interpreter.exitRequested) {
                throw new IllegalStateException("no hook can exit in emulation mode");
            }
        } catch (Fault f) {
            vector = f.vector;
            hasErrorCode = f.hasErrorCode;
            errorCode = f.errorCode;
            faultAddress = f.faultAddress;
            return Outcome.EXCEPTION;
        } catch (ExitSignal e) {
            throw new IllegalStateException("no hook can exit in emulation mode", e);
        } finally {
            memory.ops = null;
            memory.window = null;
        }
        for (int r = 0; r < 16; r++) {
            if (s.gpr[r] != before[r]) {
                ops.writeGpr(r, s.gpr[r]);
            }
        }
        ops.writeRip(s.rip);
        if (s.rflags != flags) {
            ops.writeRflags(s.rflags);
        }
        return Outcome.OK;
    }

    /** The decoded instruction of the last {@link #emulate} call (length, operand size, ...). */
    public Instruction instruction() {
        return interpreter.in;
    }

    public int vector() {
        return vector;
    }

    public boolean hasErrorCode() {
        return hasErrorCode;
    }

    public int errorCode() {
        return errorCode;
    }

    /** CR2 for a #PF. */
    public long faultAddress() {
        return faultAddress;
    }

    /** Linear memory over the caller's callbacks, and the caller's instruction bytes if it has them. */
    private static final class Adapter implements LinearMemory {
        EmulationOps ops;
        byte[] window;
        long windowLinear;
        int windowLength;

        /**
         * The caller's bytes as the code chunk of the instruction's first byte. The interpreter
         * decodes from a chunk up to the end of the page (or the CS limit) and at most 15 bytes,
         * fetching the rest one by one, so the bytes serve only if they cover that much; fewer
         * (a fetch cut short by an unmapped page) would leave the decoder reading stale bytes.
         */
        @Override
        public byte[] codeChunk(long linear, boolean user) {
            if (window == null || linear != windowLinear
                || windowLength < Math.min(MAX_INSTRUCTION, 0x1000 - (int) (linear & 0xFFF))) {
                return null;
            }
            return window;
        }

        @Override
        public int codeOffset() {
            return 0;
        }

        @Override
        public long read(long linear, int size, boolean user) {
            return ops.readMemory(linear, size);
        }

        @Override
        public void write(long linear, int size, long value, boolean user) {
            ops.writeMemory(linear, size, value);
        }

        @Override
        public int fetch(long linear, boolean user) {
            return ops.fetchByte(linear) & 0xFF;
        }

        @Override
        public void probeWrite(long linear, int size, boolean user) {
            // The caller's memory decides faults at write time.
        }

        @Override
        public void flushAll() {
        }

        @Override
        public void flushPage(long linear) {
        }
    }
}
