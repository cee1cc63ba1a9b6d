package dev.hve.api;

/** GDTR or IDTR: a linear base and a 16-bit limit. */
public record DescriptorTable(long base, int limit) {
    public DescriptorTable {
        if ((limit & ~0xFFFF) != 0) {
            throw new IllegalArgumentException("descriptor-table limit exceeds 16 bits: " + Integer.toHexString(limit));
        }
    }
}
