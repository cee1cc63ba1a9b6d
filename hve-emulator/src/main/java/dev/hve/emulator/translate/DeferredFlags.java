package dev.hve.emulator.translate;

import dev.hve.emulator.cpu.CpuState;
import dev.hve.emulator.exec.Alu;

/**
 * Status flags that compiled code has not computed yet: it records the operation and its
 * operands instead ({@link PendingFlags}), because most flags are overwritten before anything
 * reads them, and a conditional branch can often test the operands directly. When the flags are
 * wanted after all (the block is left, an instruction faults, or an instruction that reads them
 * runs), {@link #apply} computes them exactly as the interpreter would have.
 */
public final class DeferredFlags {

    /** ADD: operands a and b. */
    static final int ADD = 1;
    /** SUB and CMP: operands a and b. */
    static final int SUB = 2;
    /** AND, OR, XOR, TEST: the result in a (CF = OF = 0). */
    static final int LOGIC = 3;
    /**
     * SHL/SAL, SHR or SAR by a constant count above zero, which replaces every status flag (SDM
     * Vol. 2B, SAL/SAR/SHL/SHR "Flags Affected": CF, SF, ZF, PF set, OF set or undefined, AF
     * undefined, which {@code Alu.shift} clears): the operand in a, the ModRM.reg operation and
     * the count in b ({@link #shiftOperation}).
     */
    static final int SHIFT = 4;

    private DeferredFlags() {
    }

    /** Operand b of a {@link #SHIFT} record: the shift group's operation and the count. */
    static long shiftOperation(int operation, int count) {
        return (long) operation << 8 | count;
    }

    /** The recorded-operation code: kind and operand size in bytes. */
    static int code(int kind, int size) {
        return kind << 4 | size;
    }

    /**
     * {@code flags} with the six status flags replaced by those of the recorded operation
     * {@code code} on {@code a} and {@code b}. {@code s.rflags} is left as it was.
     */
    public static long apply(CpuState s, int code, long a, long b, long flags) {
        long saved = s.rflags;
        s.rflags = flags;
        int size = code & 0xF;
        switch (code >>> 4) {
            case ADD: Alu.add(s, a, b, 0, size); break;
            case SUB: Alu.sub(s, a, b, 0, size); break;
            case SHIFT: Alu.shift(s, (int) (b >>> 8), a, (int) b & 0xFF, size); break;
            default: Alu.logic(s, a, size); break;
        }
        long result = s.rflags;
        s.rflags = saved;
        return result;
    }
}
