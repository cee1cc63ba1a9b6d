package dev.hve.svm.npt;

/**
 * Cached guest-physical to host-physical translations of the nested page tables, per 4 KiB
 * guest page: the nested part of the TLB (AMD APM Vol. 2, §15.25.3 and §15.16.1). Like the
 * processor's TLB it caches only successful walks, never a fault, and it is flushed when the
 * hypervisor asks for it (TLB_CONTROL) and when N_CR3 changes, the events after which the
 * processor may no longer use what it cached; the backend also flushes it with the core's combined
 * translations when it finds the guest's paging registers changed between runs. A guest's own TLB
 * maintenance (MOV CR3, INVLPG) does not touch it: the nested tables did not change.
 *
 * <p>An entry is filled only from a walk that set the accessed bits it passed (and, for a write,
 * the leaf's dirty bit), so using the entry later for an access of a kind it was filled for
 * leaves memory exactly as the walk would have: every bit that walk would set is already set.
 * Any filled entry proves the access is permitted for a read (present and user at every level,
 * accessed bits set); a write or a fetch needs an entry filled by that kind of walk. A cache hit
 * is then the walk's result, without the walk; this matters on the MMIO path, where the decode
 * assists fetch every faulting instruction through the guest's paging again.
 *
 * <p>Direct-mapped and allocation-free.
 */
public final class NestedTlb {

    private static final int ENTRIES = 256;
    private static final long PAGE = 0xFFFL;
    private static final long INVALID = -1L;

    private final long[] tag = new long[ENTRIES];
    private final long[] host = new long[ENTRIES];
    /** Per entry, a bit per walk kind ({@link NptWalker#READ}, WRITE, FETCH) the entry was filled for. */
    private final int[] kinds = new int[ENTRIES];
    /** The N_CR3 the entries were walked from. */
    private long root = INVALID;

    public NestedTlb() {
        flush();
    }

    /** Drops every entry. */
    public void flush() {
        java.util.Arrays.fill(tag, INVALID);
    }

    /**
     * The cached host-physical address of {@code gpa} for an access of {@code kind} through the
     * tables at {@code nCr3}, or -1 when the access needs a walk.
     */
    public long lookup(long nCr3, long gpa, int kind) {
        if (nCr3 != root) {
            return INVALID;
        }
        long page = gpa & ~PAGE;
        int slot = slot(gpa);
        if (tag[slot] != page || (kind != NptWalker.READ && (kinds[slot] & 1 << kind) == 0)) {
            return INVALID;
        }
        return host[slot] | (gpa & PAGE);
    }

    /** Records the result {@code hostPhysical} of a successful walk that set its A/D bits. */
    public void fill(long nCr3, long gpa, int kind, long hostPhysical) {
        if (nCr3 != root) {
            flush();
            root = nCr3;
        }
        long page = gpa & ~PAGE;
        int slot = slot(gpa);
        long hostPage = hostPhysical & ~PAGE;
        if (tag[slot] != page || host[slot] != hostPage) {
            tag[slot] = page;
            host[slot] = hostPage;
            kinds[slot] = 0;
        }
        kinds[slot] |= 1 << kind;
    }

    private static int slot(long gpa) {
        return (int) (gpa >>> 12) & (ENTRIES - 1);
    }
}
