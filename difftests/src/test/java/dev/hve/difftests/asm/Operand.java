package dev.hve.difftests.asm;

/** A ModRM r/m operand: a register or a memory reference. */
public sealed interface Operand permits Gpr, Mem {

    /** Operand size in bytes: 1, 2, 4 or 8. */
    int size();

    /** Intel-syntax text, as the listing prints it. */
    String text();
}
