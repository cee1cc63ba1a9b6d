package dev.hve.svm.npt;

/**
 * The nested-page-fault error code the processor writes to EXITINFO1 on #VMEXIT(NPF) (AMD APM
 * Vol. 2, §15.25.6): bits 31:0 follow the #PF error code (§8.4.2), and bits 32/33 tell whether the
 * fault hit the final guest-physical translation or a guest page-table access.
 */
public final class NpfErrorCode {

    private NpfErrorCode() {
    }

    /** The nested entry was present: a protection (or reserved-bit) fault, not a missing page. */
    public static final long P = 1L;
    /** The access was a write. */
    public static final long RW = 1L << 1;
    /** A user access; nested walks are always user accesses (§15.25.5), so this is always set. */
    public static final long US = 1L << 2;
    /** A reserved bit was set in a nested entry. */
    public static final long RSV = 1L << 3;
    /** The access was an instruction fetch. */
    public static final long ID = 1L << 4;
    /** The fault occurred while translating the guest's final physical address. */
    public static final long FINAL_TRANSLATION = 1L << 32;
    /** The fault occurred while translating a guest page-table (paging-structure) access. */
    public static final long PAGE_TABLE_WALK = 1L << 33;
}
