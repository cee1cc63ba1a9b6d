package dev.hve.emulator.exec;

import dev.hve.emulator.cpu.CpuState;
import dev.hve.emulator.fpu.FpuHost;

/**
 * What the x87 and SSE units reach of the interpreter: segmented memory (faults propagate as the
 * interpreter's own), the control registers they check, the GPRs and RFLAGS some instructions
 * write, and the instruction pointer they record in FIP.
 */
final class FpuAccess implements FpuHost {

    private final Interpreter x;

    FpuAccess(Interpreter x) {
        this.x = x;
    }

    @Override
    public long read(int seg, long offset, int size) {
        return x.read(seg, offset, size);
    }

    @Override
    public void write(int seg, long offset, int size, long value) {
        x.write(seg, offset, size, value);
    }

    @Override
    public void probeWrite(int seg, long offset, int size) {
        x.probeWrite(seg, offset, size);
    }

    @Override
    public long cr0() {
        return x.s.cr0;
    }

    @Override
    public long cr4() {
        return x.s.cr4;
    }

    @Override
    public long xcr0() {
        return x.s.xcr0;
    }

    @Override
    public long gpr(int r) {
        return x.s.gpr[r];
    }

    @Override
    public void setGpr(int r, long value) {
        x.s.gpr[r] = value;
    }

    @Override
    public long rflags() {
        return x.s.rflags;
    }

    @Override
    public void setRflags(long value) {
        x.s.rflags = value;
    }

    @Override
    public boolean protectedMode() {
        return x.s.protectedMode() && !x.s.virtual8086();
    }

    /** In 64-bit mode ES, CS, SS and DS have base 0 (Intel SDM Vol. 3A §3.4.4). */
    @Override
    public long segmentBase(int seg) {
        return x.s.mode64() && seg < CpuState.FS ? 0 : x.s.segmentBase[seg];
    }

    @Override
    public int selector(int seg) {
        return x.s.segmentSelector[seg];
    }

    @Override
    public long instructionPointer() {
        return x.rip0;
    }
}
