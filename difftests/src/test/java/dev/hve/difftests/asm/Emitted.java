package dev.hve.difftests.asm;

import java.util.HexFormat;

/**
 * One emitted instruction: where it is, its bytes, its Intel-syntax text and the mnemonic objdump
 * prints for it (prefixes such as {@code rep} included), which the binutils cross-check compares.
 *
 * @param tag what the instruction is for a harness that must emulate it (an MMIO access), or null
 */
public record Emitted(long address, byte[] bytes, String text, String mnemonic, Object tag) {

    public int length() {
        return bytes.length;
    }

    public long end() {
        return address + bytes.length;
    }

    /** One listing line: address, bytes, text. */
    public String line() {
        String hex = HexFormat.ofDelimiter(" ").formatHex(bytes);
        return String.format("%8x:  %-36s %s", address, hex, text);
    }
}
