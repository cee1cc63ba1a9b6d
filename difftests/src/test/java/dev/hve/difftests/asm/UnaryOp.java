package dev.hve.difftests.asm;

/** One-operand group-3 and group-4/5 instructions: F6/F7 /digit or FE/FF /digit. */
public enum UnaryOp {
    INC(0xFE, 0), DEC(0xFE, 1), NOT(0xF6, 2), NEG(0xF6, 3), MUL(0xF6, 4), IMUL(0xF6, 5), DIV(0xF6, 6), IDIV(0xF6, 7);

    /** The byte-sized opcode; +1 for word/dword/qword. */
    public final int opcode;
    public final int digit;

    UnaryOp(int opcode, int digit) {
        this.opcode = opcode;
        this.digit = digit;
    }

    public String mnemonic() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
