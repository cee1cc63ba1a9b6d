package dev.hve.emulator.simd;

import dev.hve.emulator.decode.Instruction;
import dev.hve.emulator.fpu.FpuHost;
import dev.hve.emulator.fpu.FpuState;

/**
 * Operand access shared by the SSE instruction groups: the instruction being executed, the source
 * operand (XMM register or memory, with the legacy-SSE 16-byte alignment rule, SDM Vol. 1 §11.4.1),
 * destination writes, and the preallocated exit used to report an exception vector from deep inside
 * a helper without allocating.
 */
abstract class SimdOperands {

    static final int OK = SimdUnit.OK;
    static final int UD = SimdUnit.UD;
    static final int NM = SimdUnit.NM;
    static final int GP = SimdUnit.GP;
    static final int XM = SimdUnit.XM;

    /** Mandatory prefix classes (SDM Vol. 2 §2.1.2). */
    static final int NONE = 0;
    static final int P66 = 1;
    static final int PF3 = 2;
    static final int PF2 = 3;

    /** The preallocated way out of nested helpers with an exception vector. */
    static final class Abort extends RuntimeException {
        private static final long serialVersionUID = 1L;
        int vector;

        Abort() {
            super(null, null, false, false);
        }
    }

    final FpuState f;
    final long[] x;
    private final Abort abort = new Abort();

    FpuHost h;
    Instruction in;
    long ea;
    long mask;
    long cr4;
    /** The source operand (register or memory), filled by the src* helpers. */
    long sLo;
    long sHi;

    SimdOperands(FpuState f) {
        this.f = f;
        this.x = f.xmm;
    }

    /** Binds the instruction about to execute. */
    final void bind(Instruction insn, long effectiveAddress, FpuHost host, long cr4Value) {
        this.in = insn;
        this.ea = effectiveAddress;
        this.h = host;
        this.cr4 = cr4Value;
        this.mask = insn.addrSize == 8 ? -1L : insn.addrSize == 4 ? 0xFFFF_FFFFL : 0xFFFF;
    }

    final int fail(int vector) {
        abort.vector = vector;
        throw abort;
    }

    /** #XM when CR4.OSXMMEXCPT=1, else #UD (SDM Vol. 3A §6.15 interrupt 19, Vol. 1 §11.5.1). */
    final int simdException() {
        return (cr4 & SimdUnit.CR4_OSXMMEXCPT) != 0 ? XM : UD;
    }


    final int xr() {
        return in.reg & 15;
    }

    final int xm() {
        return in.rm & 15;
    }

    final boolean mem() {
        return in.mod != 3;
    }

    final void requireMemory() {
        if (!mem()) {
            fail(UD);
        }
    }

    final void requireRegister() {
        if (mem()) {
            fail(UD);
        }
    }

    final long read(int off, int size) {
        return h.read(in.segment(), (ea + off) & mask, size);
    }

    final void write(int off, int size, long v) {
        h.write(in.segment(), (ea + off) & mask, size, v);
    }

    /** Legacy SSE 128-bit memory operands must be 16-byte aligned unless the instruction says otherwise (§11.4.1). */
    final void checkAligned() {
        if (((h.segmentBase(in.segment()) + ea) & 15) != 0) {
            fail(GP);
        }
    }

    final void src128(boolean aligned) {
        if (!mem()) {
            sLo = x[2 * xm()];
            sHi = x[2 * xm() + 1];
            return;
        }
        if (aligned) {
            checkAligned();
        }
        sLo = read(0, 8);
        sHi = read(8, 8);
    }

    final void src64() {
        sLo = mem() ? read(0, 8) : x[2 * xm()];
        sHi = 0;
    }

    final void src32() {
        sLo = mem() ? read(0, 4) : x[2 * xm()] & 0xFFFF_FFFFL;
        sHi = 0;
    }

    final void store128(boolean aligned, long lo, long hi) {
        if (aligned) {
            checkAligned();
        }
        h.probeWrite(in.segment(), ea & mask, 16);
        write(0, 8, lo);
        write(8, 8, hi);
    }

    final void set(int r, long lo, long hi) {
        x[2 * r] = lo;
        x[2 * r + 1] = hi;
    }

    final int imm8() {
        return (int) (in.imm & 0xFF);
    }

    /** AND (0), ANDN (1), OR (2), XOR (3) of the destination with the source. */
    final void logical(int kind, long lo, long hi) {
        int r = xr();
        long dLo = x[2 * r];
        long dHi = x[2 * r + 1];
        switch (kind) {
            case 0: set(r, dLo & lo, dHi & hi); break;
            case 1: set(r, ~dLo & lo, ~dHi & hi); break;
            case 2: set(r, dLo | lo, dHi | hi); break;
            default: set(r, dLo ^ lo, dHi ^ hi); break;
        }
    }
}
