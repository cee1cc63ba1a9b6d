package dev.hve.difftests.asm;

/** A branch target, bound to an offset once the code reaches it. */
public final class Label {

    private long address = -1;

    public boolean bound() {
        return address >= 0;
    }

    public long address() {
        if (address < 0) {
            throw new IllegalStateException("label not bound");
        }
        return address;
    }

    void bind(long at) {
        if (address >= 0) {
            throw new IllegalStateException("label bound twice");
        }
        address = at;
    }
}
