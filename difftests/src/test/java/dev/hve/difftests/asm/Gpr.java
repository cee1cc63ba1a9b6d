package dev.hve.difftests.asm;

/**
 * A general-purpose register of a given width. Byte registers 4-7 mean AH, CH, DH, BH (the legacy
 * encoding); the encoder refuses them in an instruction that needs a REX prefix, where the same
 * numbers would mean SPL..DIL.
 */
public record Gpr(int index, int size) implements Operand {

    private static final String[] Q = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi"};
    private static final String[] D = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};
    private static final String[] W = {"ax", "cx", "dx", "bx", "sp", "bp", "si", "di"};
    private static final String[] B = {"al", "cl", "dl", "bl", "ah", "ch", "dh", "bh"};

    public static final int AX = 0;
    public static final int CX = 1;
    public static final int DX = 2;
    public static final int BX = 3;
    public static final int SP = 4;
    public static final int BP = 5;
    public static final int SI = 6;
    public static final int DI = 7;

    public Gpr {
        if (index < 0 || index > 15) {
            throw new IllegalArgumentException("register " + index);
        }
        if (size != 1 && size != 2 && size != 4 && size != 8) {
            throw new IllegalArgumentException("register size " + size);
        }
    }

    public static Gpr of(int index, int size) {
        return new Gpr(index, size);
    }

    /** Needs REX.R/REX.B to be named. */
    public boolean extended() {
        return index >= 8;
    }

    /** AH, CH, DH or BH: cannot coexist with a REX prefix. */
    public boolean legacyHighByte() {
        return size == 1 && index >= 4 && index < 8;
    }

    @Override
    public String text() {
        if (index >= 8) {
            return "r" + index + switch (size) {
                case 1 -> "b";
                case 2 -> "w";
                case 4 -> "d";
                default -> "";
            };
        }
        return switch (size) {
            case 1 -> B[index];
            case 2 -> W[index];
            case 4 -> D[index];
            default -> Q[index];
        };
    }

    @Override
    public String toString() {
        return text();
    }
}
