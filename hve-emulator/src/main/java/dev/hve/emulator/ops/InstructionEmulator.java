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
        memory.ops = ops;
        CpuState s = scratch;
        for (int r = 0; r < 16; r++) {
            long v = ops.readGpr(r);
            s.gpr[r] = v;
            before[r] = v;
        }
        s.rip = ops.readRip();
        long flags = ops.readRflags();
        s.rflags = flags;
        for (int seg = CpuState.ES; seg <= CpuState.GS; seg++) {
            s.segmentSelector[seg] = ops.segmentSelector(seg);
            s.segmentBase[seg] = ops.segmentBase(seg);
            s.segmentLimit[seg] = ops.segmentLimit(seg);
            s.segmentAttributes[seg] = ops.segmentAttributes(seg);
        }
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

    /** Linear memory over the caller's callbacks. */
    private static final class Adapter implements LinearMemory {
        EmulationOps ops;

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
