package dev.hve.vmx.vmcs;

/**
 * The width of a VMCS field, encoded in bits 14:13 of its encoding (Intel SDM Vol. 3C §25.11.2,
 * "VMREAD, VMWRITE, and Encodings of VMCS Fields").
 */
public enum FieldWidth {
    BITS_16(16),
    BITS_64(64),
    BITS_32(32),
    /** 64 bits on processors that support Intel 64 architecture, which the model is. */
    NATURAL(64);

    private static final FieldWidth[] BY_CODE = values();

    private final int bits;

    FieldWidth(int bits) {
        this.bits = bits;
    }

    public int bits() {
        return bits;
    }

    /** The mask of the bits the field holds. */
    public long mask() {
        return bits == 64 ? -1L : (1L << bits) - 1;
    }

    /** The width named by bits 14:13 of {@code encoding}. */
    public static FieldWidth of(int encoding) {
        return BY_CODE[(encoding >>> 13) & 3];
    }
}
