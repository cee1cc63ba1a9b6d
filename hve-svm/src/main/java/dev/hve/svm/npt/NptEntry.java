package dev.hve.svm.npt;

/**
 * Bits of a nested page-table entry. NPT uses the legacy x86 long-mode page-table format (AMD APM
 * Vol. 2, §15.25.1 and §5.3): the same P, R/W, U/S, A, D, PS and NX bits as the guest's own
 * tables, with the physical-address field in bits 51:12.
 */
public final class NptEntry {

    private NptEntry() {
    }

    public static final long P = 1L;
    public static final long RW = 1L << 1;
    public static final long US = 1L << 2;
    public static final long PWT = 1L << 3;
    public static final long PCD = 1L << 4;
    public static final long A = 1L << 5;
    public static final long D = 1L << 6;
    /** Page size: a 1 GiB leaf in a PDPTE, a 2 MiB leaf in a PDE; reserved in a PML4E. */
    public static final long PS = 1L << 7;
    public static final long G = 1L << 8;
    public static final long NX = 1L << 63;
    /** Bits 51:12: the architectural physical-address field. */
    public static final long ADDRESS = 0x000F_FFFF_FFFF_F000L;

    /**
     * Every nested walk is a user-mode access (§15.25.5), so each level of a mapping the backend
     * builds grants U/S as well as R/W.
     */
    public static final long TABLE_FLAGS = P | RW | US;
}
