package dev.hve.difftests.asm;

/**
 * A memory operand [base + index*scale + disp] of {@code size} bytes. {@code base} and
 * {@code index} are GPR numbers or {@link #NONE}. In 16-bit mode only the 8086 combinations
 * exist: base BX or BP, index SI or DI, scale 1.
 */
public record Mem(int base, int index, int scale, long disp, int size) implements Operand {

    public static final int NONE = -1;

    public Mem {
        if (scale != 1 && scale != 2 && scale != 4 && scale != 8) {
            throw new IllegalArgumentException("scale " + scale);
        }
        if (index == Gpr.SP) {
            throw new IllegalArgumentException("rsp cannot be an index");
        }
    }

    /** An absolute address [disp]. */
    public static Mem absolute(long address, int size) {
        return new Mem(NONE, NONE, 1, address, size);
    }

    public static Mem base(int base, long disp, int size) {
        return new Mem(base, NONE, 1, disp, size);
    }

    public Mem withSize(int newSize) {
        return new Mem(base, index, scale, disp, newSize);
    }

    @Override
    public String text() {
        return ptr(size) + " [" + address(8) + "]";
    }

    /** The address expression, naming registers at the given address width. */
    public String address(int addressSize) {
        StringBuilder sb = new StringBuilder();
        if (base != NONE) {
            sb.append(Gpr.of(base, addressSize).text());
        }
        if (index != NONE) {
            if (sb.length() > 0) {
                sb.append('+');
            }
            sb.append(Gpr.of(index, addressSize).text());
            if (scale != 1) {
                sb.append('*').append(scale);
            }
        }
        if (disp != 0 || sb.length() == 0) {
            if (sb.length() > 0) {
                sb.append(disp < 0 ? '-' : '+');
            }
            sb.append("0x").append(Long.toHexString(sb.length() > 0 ? Math.abs(disp) : disp));
        }
        return sb.toString();
    }

    static String ptr(int size) {
        return switch (size) {
            case 1 -> "byte";
            case 2 -> "word";
            case 4 -> "dword";
            default -> "qword";
        };
    }
}
