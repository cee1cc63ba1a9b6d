package dev.hve.difftests.asm;

/** Group-2 shifts and rotates; the value is the /digit of C0/C1/D0-D3 (6 is skipped: an alias of SHL). */
public enum ShiftOp {
    ROL(0), ROR(1), RCL(2), RCR(3), SHL(4), SHR(5), SAR(7);

    public final int digit;

    ShiftOp(int digit) {
        this.digit = digit;
    }

    public String mnemonic() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
