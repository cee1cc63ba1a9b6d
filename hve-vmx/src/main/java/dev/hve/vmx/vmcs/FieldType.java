package dev.hve.vmx.vmcs;

/**
 * The type of a VMCS field, encoded in bits 11:10 of its encoding (Intel SDM Vol. 3C §25.11.2).
 */
public enum FieldType {
    CONTROL,
    /** VM-exit information: read-only data, written by the processor. */
    READ_ONLY_DATA,
    GUEST_STATE,
    HOST_STATE;

    private static final FieldType[] BY_CODE = values();

    /** The type named by bits 11:10 of {@code encoding}. */
    public static FieldType of(int encoding) {
        return BY_CODE[(encoding >>> 10) & 3];
    }
}
