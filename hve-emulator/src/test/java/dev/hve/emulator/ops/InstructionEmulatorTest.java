package dev.hve.emulator.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hve.emulator.TestMachine;
import dev.hve.emulator.cpu.CpuState;
import dev.hve.emulator.cpuid.CpuModels;
import dev.hve.emulator.exec.Fault;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** MMIO-style emulation of single instructions through {@link EmulationOps}. */
class InstructionEmulatorTest {

    /** Code in an array at linear 0x1000; "MMIO" at 0xFEE00000 recorded; everything else RAM-less. */
    private static final class Ops implements EmulationOps {
        final CpuState regs = new TestMachine().long64().s;
        final byte[] code;
        final List<String> accesses = new ArrayList<>();
        final List<String> writes = new ArrayList<>();
        long mmioValue = 0x1122_3344_5566_7788L;
        /** Linear addresses asked of {@link #fetchByte}, in order. */
        final List<Long> fetched = new ArrayList<>();

        Ops(int... bytes) {
            this(0x1000, bytes);
        }

        /** The instruction {@code bytes} at {@code rip} (at or above 0x1000). */
        Ops(long rip, int... bytes) {
            int at = (int) (rip - 0x1000);
            code = new byte[at + bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                code[at + i] = (byte) bytes[i];
            }
            regs.rip = rip;
        }

        /** The caller's copy of the instruction: {@code valid} bytes of it, then stale bytes. */
        byte[] window(int valid) {
            byte[] window = new byte[15];
            java.util.Arrays.fill(window, (byte) 0x99);
            System.arraycopy(code, (int) (regs.rip - 0x1000), window, 0, valid);
            return window;
        }

        @Override
        public long readGpr(int index) {
            return regs.gpr[index];
        }

        @Override
        public void writeGpr(int index, long value) {
            writes.add("gpr" + index);
            regs.gpr[index] = value;
        }

        @Override
        public long readRip() {
            return regs.rip;
        }

        @Override
        public void writeRip(long value) {
            regs.rip = value;
        }

        @Override
        public long readRflags() {
            return regs.rflags;
        }

        @Override
        public void writeRflags(long value) {
            regs.rflags = value;
        }

        @Override
        public int segmentSelector(int segment) {
            return regs.segmentSelector[segment];
        }

        @Override
        public long segmentBase(int segment) {
            return regs.segmentBase[segment];
        }

        @Override
        public int segmentLimit(int segment) {
            return regs.segmentLimit[segment];
        }

        @Override
        public int segmentAttributes(int segment) {
            return regs.segmentAttributes[segment];
        }

        @Override
        public long readControlRegister(int cr) {
            return cr == 0 ? regs.cr0 : cr == 3 ? regs.cr3 : regs.cr4;
        }

        @Override
        public long readEfer() {
            return regs.efer;
        }

        @Override
        public int cpl() {
            return regs.cpl;
        }

        @Override
        public long readMemory(long linear, int size) {
            accesses.add("r" + size + "@" + Long.toHexString(linear));
            if (linear < 0xFEE0_0000L) {
                throw new Fault().set(Fault.PF, true, 0, linear);
            }
            return mmioValue & (size == 8 ? -1L : (1L << (8 * size)) - 1);
        }

        @Override
        public void writeMemory(long linear, int size, long value) {
            accesses.add("w" + size + "@" + Long.toHexString(linear) + "=" + Long.toHexString(value));
        }

        @Override
        public int fetchByte(long linear) {
            fetched.add(linear);
            return code[(int) (linear - 0x1000)];
        }
    }

    @Test
    void storeToMmio() {
        Ops ops = new Ops(0x89, 0x43, 0x10); // mov [rbx+0x10], eax
        ops.regs.gpr[0] = 0xDEAD_BEEF_CAFEL;
        ops.regs.gpr[3] = 0xFEE0_0000L;
        InstructionEmulator e = new InstructionEmulator(CpuModels.intel());
        assertEquals(InstructionEmulator.Outcome.OK, e.emulate(ops));
        assertEquals(List.of("w4@fee00010=beefcafe"), ops.accesses);
        assertEquals(0x1003, ops.regs.rip);
        assertEquals(3, e.instruction().length);
    }

    @Test
    void loadFromMmioAndReadModifyWrite() {
        Ops ops = new Ops(0x48, 0x8B, 0x0B); // mov rcx, [rbx]
        ops.regs.gpr[3] = 0xFEE0_0020L;
        InstructionEmulator e = new InstructionEmulator(CpuModels.amd());
        assertEquals(InstructionEmulator.Outcome.OK, e.emulate(ops));
        assertEquals(0x1122_3344_5566_7788L, ops.regs.gpr[1]);
        assertEquals(List.of("gpr1"), ops.writes, "only the changed register is written back");
        Ops or = new Ops(0x83, 0x0B, 0x01); // or dword [rbx], 1
        or.regs.gpr[3] = 0xFEE0_0000L;
        or.mmioValue = 0x80;
        assertEquals(InstructionEmulator.Outcome.OK, e.emulate(or));
        assertEquals(List.of("r4@fee00000", "w4@fee00000=81"), or.accesses);
        assertEquals(0, or.regs.rflags & CpuState.ZF);
    }

    @Test
    void theCallersInstructionBytesAreDecodedWithoutFetching() {
        Ops ops = new Ops(0x89, 0x43, 0x10); // mov [rbx+0x10], eax
        ops.regs.gpr[0] = 0x1234;
        ops.regs.gpr[3] = 0xFEE0_0000L;
        InstructionEmulator e = new InstructionEmulator(CpuModels.intel());
        assertEquals(InstructionEmulator.Outcome.OK, e.emulate(ops, 0x1000, ops.window(3), 15));
        assertEquals(List.of("w4@fee00010=1234"), ops.accesses);
        assertEquals(List.of(), ops.fetched);
        assertEquals(0x1003, ops.regs.rip);
    }

    /**
     * Fewer bytes than the decoder may need (a fetch that stopped short) are not used: the bytes
     * after them in the array are stale (0x99 here would make the displacement 0x99).
     */
    @Test
    void aShortCopyIsNotDecodedPastItsEnd() {
        Ops ops = new Ops(0x89, 0x43, 0x10); // mov [rbx+0x10], eax
        ops.regs.gpr[3] = 0xFEE0_0000L;
        InstructionEmulator e = new InstructionEmulator(CpuModels.intel());
        assertEquals(InstructionEmulator.Outcome.OK, e.emulate(ops, 0x1000, ops.window(2), 2));
        assertEquals(List.of("w4@fee00010=0"), ops.accesses);
        assertEquals(List.of(0x1000L, 0x1001L, 0x1002L), ops.fetched);
    }

    /** Bytes up to the end of the page are all the decoder takes from a chunk; the rest are fetched. */
    @Test
    void aCopyEndingAtThePageEndServesAndTheNextPageIsFetched() {
        Ops ops = new Ops(0x1FFEL, 0x89, 0x43, 0x10); // mov [rbx+0x10], eax, across a page boundary
        ops.regs.gpr[3] = 0xFEE0_0000L;
        InstructionEmulator e = new InstructionEmulator(CpuModels.intel());
        assertEquals(InstructionEmulator.Outcome.OK, e.emulate(ops, 0x1FFE, ops.window(2), 2));
        assertEquals(List.of("w4@fee00010=0"), ops.accesses);
        assertEquals(List.of(0x2000L), ops.fetched);
        assertEquals(0x2001, ops.regs.rip);
    }

    @Test
    void faultsAreReportedWithoutWriteBack() {
        Ops ops = new Ops(0x8B, 0x03); // mov eax, [rbx]
        ops.regs.gpr[3] = 0x5000;
        ops.regs.gpr[0] = 7;
        InstructionEmulator e = new InstructionEmulator(CpuModels.intel());
        assertEquals(InstructionEmulator.Outcome.EXCEPTION, e.emulate(ops));
        assertEquals(Fault.PF, e.vector());
        assertEquals(0x5000, e.faultAddress());
        assertEquals(7, ops.regs.gpr[0]);
        assertEquals(0x1000, ops.regs.rip);
    }
}
