package dev.hve.emulator.exec;

import static dev.hve.emulator.cpu.CpuState.ES;
import static dev.hve.emulator.cpu.CpuState.TR;

import dev.hve.emulator.cpu.CpuState;
import dev.hve.emulator.decode.Instruction;

/**
 * IN, OUT, INS, OUTS: the I/O privilege checks (IOPL, then the TSS I/O-permission bitmap; SDM Vol.
 * 1 §19.5), then the backend's intercept hook. When the hook lets an access through there is no
 * device behind the core: IN reads all ones (an unclaimed port) and OUT is discarded.
 */
final class IoOps {

    private final Interpreter x;
    private final CpuState s;

    IoOps(Interpreter x) {
        this.x = x;
        this.s = x.s;
    }

    void inImmediate(int size) {
        portIn((int) (x.in.imm & 0xFF), size, true);
    }

    void outImmediate(int size) {
        portOut((int) (x.in.imm & 0xFF), size, true);
    }

    void inDx(int size) {
        portIn((int) (s.gpr[2] & 0xFFFF), size, false);
    }

    void outDx(int size) {
        portOut((int) (s.gpr[2] & 0xFFFF), size, false);
    }

    private void portIn(int port, int size, boolean immediate) {
        checkPermission(port, size);
        if (x.exitsBeforeExecuting(
            x.controls.ioInstruction(port, size, true, false, false, immediate, x.in.addrSize, CpuState.DS, x.in.length))) {
            return;
        }
        x.setReg(size, 0, Alu.mask(size));
    }

    private void portOut(int port, int size, boolean immediate) {
        checkPermission(port, size);
        x.exitsBeforeExecuting(
            x.controls.ioInstruction(port, size, false, false, false, immediate, x.in.addrSize, CpuState.DS, x.in.length));
    }

    void ins(int size) {
        int ioSize = size == 8 ? 4 : size;
        if (x.strings.countExhausted()) {
            return;
        }
        int port = (int) (s.gpr[2] & 0xFFFF);
        checkPermission(port, ioSize);
        long di = x.strings.di();
        x.probeWrite(ES, di, ioSize); // the destination must be writable before the port is read
        x.ioStringLinear = x.linearNoCheck(ES, di);
        if (x.controls.ioInstruction(port, ioSize, true, true, x.strings.repeated(), false, x.in.addrSize, ES, x.in.length)) {
            throw ExitSignal.INSTANCE;
        }
        x.write(ES, di, ioSize, Alu.mask(ioSize));
        x.strings.advance(7, ioSize);
        x.strings.finishIteration(false);
    }

    void outs(int size) {
        int ioSize = size == 8 ? 4 : size;
        if (x.strings.countExhausted()) {
            return;
        }
        int port = (int) (s.gpr[2] & 0xFFFF);
        checkPermission(port, ioSize);
        int seg = x.in.segment();
        x.read(seg, x.strings.si(), ioSize);
        x.ioStringLinear = x.linearNoCheck(seg, x.strings.si());
        if (x.controls.ioInstruction(port, ioSize, false, true, x.strings.repeated(), false, x.in.addrSize, seg, x.in.length)) {
            throw ExitSignal.INSTANCE;
        }
        x.strings.advance(6, ioSize);
        x.strings.finishIteration(false);
    }

    /**
     * In protected mode with CPL > IOPL, or in virtual-8086 mode, every byte of the access must be
     * permitted by the TSS I/O bitmap, which must lie within TR's limit; otherwise #GP(0).
     */
    void checkPermission(int port, int size) {
        if (!s.protectedMode()) {
            return;
        }
        if (!s.virtual8086() && s.cpl <= Interpreter.iopl(s)) {
            return;
        }
        int trType = s.segmentAttributes[TR] & 0xF;
        long limit = s.segmentLimit[TR] & 0xFFFF_FFFFL;
        if ((trType != 0x9 && trType != 0xB) || limit < 0x67) {
            throw x.gp(0);
        }
        long base = s.segmentBase[TR];
        long bitmap = x.readSystem(mask(base + 0x66), 2);
        long byteOffset = bitmap + (port >>> 3);
        if (byteOffset + 1 > limit) {
            throw x.gp(0);
        }
        long bits = x.readSystem(mask(base + byteOffset), 2);
        long wanted = ((1L << size) - 1) << (port & 7);
        if ((bits & wanted) != 0) {
            throw x.gp(0);
        }
    }

    private long mask(long linear) {
        return s.longModeActive() ? linear : linear & 0xFFFF_FFFFL;
    }
}
