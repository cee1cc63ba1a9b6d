package dev.hve.difftests.asm;

/** BT, BTS, BTR and BTC with an immediate bit offset: 0F BA /4 to /7. */
public enum BitOp {
    BT, BTS, BTR, BTC;

    /** The ModRM reg field of 0F BA. */
    public int digit() {
        return 4 + ordinal();
    }

    public String mnemonic() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
