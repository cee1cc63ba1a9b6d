package dev.hve.difftests.asm;

/**
 * The three processor modes a generated guest runs in. Each fixes the default operand and address
 * sizes the encoder assumes, and how objdump must be told to decode the bytes.
 */
public enum Mode {
    /** Real mode: 16-bit operands and 16-bit addressing ([bx+si] forms). */
    BITS16(2, 2, "i386", "intel,data16,addr16"),
    /** Flat 32-bit protected mode. */
    BITS32(4, 4, "i386", "intel"),
    /** 64-bit long mode: 32-bit default operands, 64-bit addresses and stack. */
    BITS64(4, 8, "i386:x86-64", "intel");

    private final int defaultOperandSize;
    private final int addressSize;
    private final String objdumpMachine;
    private final String objdumpOptions;

    Mode(int defaultOperandSize, int addressSize, String objdumpMachine, String objdumpOptions) {
        this.defaultOperandSize = defaultOperandSize;
        this.addressSize = addressSize;
        this.objdumpMachine = objdumpMachine;
        this.objdumpOptions = objdumpOptions;
    }

    public int defaultOperandSize() {
        return defaultOperandSize;
    }

    public int addressSize() {
        return addressSize;
    }

    /** PUSH/POP/CALL width: 2, 4, or 8 in 64-bit mode. */
    public int stackSize() {
        return this == BITS64 ? 8 : defaultOperandSize;
    }

    /** The largest general-purpose operand the mode can name. */
    public int maxOperandSize() {
        return this == BITS64 ? 8 : 4;
    }

    /** 16 registers only in 64-bit mode (REX), 8 otherwise. */
    public int gprCount() {
        return this == BITS64 ? 16 : 8;
    }

    public String objdumpMachine() {
        return objdumpMachine;
    }

    public String objdumpOptions() {
        return objdumpOptions;
    }
}
