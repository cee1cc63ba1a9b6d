package dev.hve.difftests.asm;

/** The eight classic ALU operations; the ordinal is both the /digit of 80/81/83 and bits 5:3 of the opcode. */
public enum AluOp {
    ADD, OR, ADC, SBB, AND, SUB, XOR, CMP;

    public String mnemonic() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
