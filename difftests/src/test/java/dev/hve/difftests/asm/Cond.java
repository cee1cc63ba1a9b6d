package dev.hve.difftests.asm;

/** Jcc conditions in encoding order (the low nibble of 0F 8x); names as objdump prints them. */
public enum Cond {
    O, NO, B, AE, E, NE, BE, A, S, NS, P, NP, L, GE, LE, G;

    public String mnemonic() {
        return "j" + name().toLowerCase(java.util.Locale.ROOT);
    }
}
