package dev.hve.emulator.fpu;

import dev.hve.emulator.decode.Decoder;
import dev.hve.emulator.decode.Instruction;
import dev.hve.emulator.simd.SimdUnit;

/**
 * A minimal stand-in for the interpreter, for unit and oracle tests: decodes machine code with the
 * core's real {@link Decoder} (64-bit mode by default), computes the effective address, and routes
 * D8-DF to {@link X87Unit} and the 0F map to {@link SimdUnit} exactly as WIRING.md prescribes. Its
 * {@link FpuHost} is flat memory of 64 KiB at {@link #BASE} with segment bases 0.
 */
public final class FpuTestMachine implements FpuHost {

    public static final long BASE = 0x10000;

    public final FpuState f = new FpuState();
    public final X87Unit x87 = new X87Unit(f);
    public final SimdUnit simd = new SimdUnit(f);
    public final long[] gpr = new long[16];
    public final byte[] memory = new byte[0x10000];
    public long rflags = 2;
    /** CR0 with PE, MP, NE set; CR4 with OSFXSR and OSXMMEXCPT. */
    public long cr0 = 0x23;
    public long cr4 = (1 << 9) | (1 << 10);
    /** XCR0 with x87 and SSE enabled (XSAVE needs CR4.OSXSAVE, bit 18, as well). */
    public long xcr0 = 3;
    public int codeSize = 8;
    public final Instruction in = new Instruction();
    private final Decoder decoder = new Decoder();
    /** Writes performed (for atomicity checks). */
    public int writes;

    /** Executes one instruction; returns the unit's result (-1 OK, else a vector). */
    public int run(byte[] code) {
        int status = decoder.decode(code, 0, code.length, i -> code[i] & 0xFF, codeSize, in);
        if (status != Decoder.OK) {
            return 6;
        }
        long ea = 0;
        if (in.hasModrm && in.mod != 3) {
            if (in.ripRelative) {
                throw new IllegalArgumentException("rip-relative operands are not used by these tests");
            }
            ea = in.disp;
            if (in.base >= 0) {
                ea += gpr[in.base];
            }
            if (in.index >= 0) {
                ea += gpr[in.index] << in.scale;
            }
            ea &= in.addrSize == 8 ? -1L : in.addrSize == 4 ? 0xFFFF_FFFFL : 0xFFFF;
        }
        int op = in.opcode;
        if (op >= 0xD8 && op <= 0xDF) {
            return x87.execute(in, ea, this);
        }
        if (op == 0x9B) {
            return x87.fwait(this);
        }
        if ((op & 0x300) == 0x100) {
            return simd.execute(in, ea, this);
        }
        throw new IllegalArgumentException("not an x87/SSE opcode: " + Integer.toHexString(op));
    }

    /** Executes a sequence of instructions, stopping at the first that does not complete. */
    public int runAll(byte[] code) {
        int at = 0;
        int result = -1;
        while (at < code.length && result == -1) {
            byte[] rest = java.util.Arrays.copyOfRange(code, at, code.length);
            result = run(rest);
            at += in.length;
        }
        return result;
    }

    public int run(String hex) {
        return run(bytes(hex));
    }

    public static byte[] bytes(String hex) {
        String h = hex.replace(" ", "");
        byte[] b = new byte[h.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }

    private int index(long address, int size) {
        long off = address - BASE;
        if (off < 0 || off + size > memory.length) {
            throw new IllegalStateException("test memory access out of range: " + Long.toHexString(address));
        }
        return (int) off;
    }

    public long peek(long address, int size) {
        int i = index(address, size);
        long v = 0;
        for (int k = size - 1; k >= 0; k--) {
            v = (v << 8) | (memory[i + k] & 0xFF);
        }
        return v;
    }

    public void poke(long address, int size, long value) {
        int i = index(address, size);
        for (int k = 0; k < size; k++) {
            memory[i + k] = (byte) (value >>> (8 * k));
        }
    }

    @Override
    public long read(int seg, long offset, int size) {
        return peek(offset, size);
    }

    @Override
    public void write(int seg, long offset, int size, long value) {
        writes++;
        poke(offset, size, value);
    }

    @Override
    public void probeWrite(int seg, long offset, int size) {
        index(offset, size);
    }

    @Override
    public long cr0() {
        return cr0;
    }

    @Override
    public long cr4() {
        return cr4;
    }

    @Override
    public long xcr0() {
        return xcr0;
    }

    @Override
    public long gpr(int r) {
        return gpr[r];
    }

    @Override
    public void setGpr(int r, long value) {
        gpr[r] = value;
    }

    @Override
    public long rflags() {
        return rflags;
    }

    @Override
    public void setRflags(long value) {
        rflags = value;
    }

    @Override
    public boolean protectedMode() {
        return true;
    }

    @Override
    public long segmentBase(int seg) {
        return 0;
    }

    @Override
    public int selector(int seg) {
        return seg == 1 ? 0x33 : 0x2B;
    }

    @Override
    public long instructionPointer() {
        return 0x401000;
    }

    /** Pushes a double-extended value as FLD m80 would (no checks). */
    public void push(int se, long sig) {
        f.top = (f.top - 1) & 7;
        f.setSt(0, se, sig);
    }

    public int stSe(int i) {
        return f.se[f.phys(i)];
    }

    public long stSig(int i) {
        return f.sig[f.phys(i)];
    }
}
