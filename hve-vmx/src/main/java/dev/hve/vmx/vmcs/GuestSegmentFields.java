package dev.hve.vmx.vmcs;

/**
 * The guest-state fields of each segment register, indexed in the x86 order ES, CS, SS, DS, FS,
 * GS, LDTR, TR (the order of Appendix B and of {@code CpuState}'s segment arrays).
 */
public final class GuestSegmentFields {

    public static final int ES = 0;
    public static final int CS = 1;
    public static final int SS = 2;
    public static final int DS = 3;
    public static final int FS = 4;
    public static final int GS = 5;
    public static final int LDTR = 6;
    public static final int TR = 7;

    public static final VmcsField[] SELECTOR = {VmcsField.GUEST_ES_SELECTOR, VmcsField.GUEST_CS_SELECTOR,
        VmcsField.GUEST_SS_SELECTOR, VmcsField.GUEST_DS_SELECTOR, VmcsField.GUEST_FS_SELECTOR,
        VmcsField.GUEST_GS_SELECTOR, VmcsField.GUEST_LDTR_SELECTOR, VmcsField.GUEST_TR_SELECTOR};
    public static final VmcsField[] BASE = {VmcsField.GUEST_ES_BASE, VmcsField.GUEST_CS_BASE,
        VmcsField.GUEST_SS_BASE, VmcsField.GUEST_DS_BASE, VmcsField.GUEST_FS_BASE, VmcsField.GUEST_GS_BASE,
        VmcsField.GUEST_LDTR_BASE, VmcsField.GUEST_TR_BASE};
    public static final VmcsField[] LIMIT = {VmcsField.GUEST_ES_LIMIT, VmcsField.GUEST_CS_LIMIT,
        VmcsField.GUEST_SS_LIMIT, VmcsField.GUEST_DS_LIMIT, VmcsField.GUEST_FS_LIMIT, VmcsField.GUEST_GS_LIMIT,
        VmcsField.GUEST_LDTR_LIMIT, VmcsField.GUEST_TR_LIMIT};
    public static final VmcsField[] ACCESS_RIGHTS = {VmcsField.GUEST_ES_AR_BYTES, VmcsField.GUEST_CS_AR_BYTES,
        VmcsField.GUEST_SS_AR_BYTES, VmcsField.GUEST_DS_AR_BYTES, VmcsField.GUEST_FS_AR_BYTES,
        VmcsField.GUEST_GS_AR_BYTES, VmcsField.GUEST_LDTR_AR_BYTES, VmcsField.GUEST_TR_AR_BYTES};

    /**
     * Access-rights layout (§25.4.1, Table 25-2): type 3:0, S 4, DPL 6:5, P 7, reserved 11:8,
     * AVL 12, L 13, D/B 14, G 15, segment unusable 16, reserved 31:17.
     */
    public static final int AR_S = 1 << 4;
    public static final int AR_P = 1 << 7;
    public static final int AR_L = 1 << 13;
    public static final int AR_DB = 1 << 14;
    public static final int AR_G = 1 << 15;
    public static final int AR_UNUSABLE = 1 << 16;
    public static final int AR_RESERVED = 0xF00 | 0xFFFE_0000;

    private GuestSegmentFields() {
    }
}
