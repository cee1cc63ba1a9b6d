package dev.hve.difftests.guest;

import dev.hve.difftests.asm.Assembler;
import dev.hve.difftests.asm.Gpr;
import dev.hve.difftests.asm.Mem;
import dev.hve.difftests.asm.Mode;
import dev.hve.emulator.control.HypercallInstruction;

/**
 * What a {@link Step} emits into: the assembler plus the two things a step cannot know by itself,
 * the mode and which hypercall instruction the target backend's silicon claims.
 */
public final class GuestAsm {

    private final Assembler asm;
    private final HypercallInstruction hypercall;

    public GuestAsm(Assembler asm, HypercallInstruction hypercall) {
        this.asm = asm;
        this.hypercall = hypercall;
    }

    public Assembler asm() {
        return asm;
    }

    public Mode mode() {
        return asm.mode();
    }

    public HypercallInstruction hypercall() {
        return hypercall;
    }

    public Gpr reg(int index, int size) {
        return Gpr.of(index, size);
    }

    /** A register at the mode's address width (for loading pointers). */
    public Gpr addressReg(int index) {
        return Gpr.of(index, mode().addressSize());
    }

    /** The mode's natural operand size: 2, 4 or 8 (64-bit mode counts as 8 for pointers and counts). */
    public int word() {
        return mode() == Mode.BITS64 ? 8 : mode().defaultOperandSize();
    }

    /** Loads base and index registers so that the returned operand addresses exactly {@code address}. */
    public Mem address(Addr form, long address, int size) {
        if (form.base() == Mem.NONE && form.index() == Mem.NONE) {
            return Mem.absolute(address, size);
        }
        long indexPart = 0;
        if (form.index() != Mem.NONE) {
            asm.movImm(addressReg(form.index()), form.indexValue());
            indexPart = (long) form.indexValue() * form.scale();
        }
        if (form.base() != Mem.NONE) {
            asm.movImm(addressReg(form.base()), address - indexPart - form.disp());
            return new Mem(form.base(), form.index(), form.scale(), form.disp(), size);
        }
        return new Mem(Mem.NONE, form.index(), form.scale(), address - indexPart, size);
    }
}
