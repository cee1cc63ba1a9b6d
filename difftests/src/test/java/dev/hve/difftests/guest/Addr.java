package dev.hve.difftests.guest;

/**
 * An addressing form chosen by the generator, independent of the target address: which base and
 * index registers (or {@code Mem.NONE}), the scale, a displacement and the index's value. The
 * step loads the registers so that the form lands on its target, which keeps every generated
 * access inside the data area while still exercising every ModRM/SIB shape.
 */
public record Addr(int base, int index, int scale, int disp, int indexValue) {

    /** The registers the form loads, which the step must not use for its own operands. */
    public boolean uses(int register) {
        return register == base || register == index;
    }

    @Override
    public String toString() {
        return "[b=" + base + " i=" + index + "*" + scale + " d=" + disp + " iv=" + indexValue + "]";
    }
}
