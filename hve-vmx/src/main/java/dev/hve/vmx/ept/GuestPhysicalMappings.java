package dev.hve.vmx.ept;

import java.util.Arrays;

/**
 * Cached EPT translations, per 4 KiB guest-physical page: the "guest-physical mappings" a logical
 * processor may keep (Intel SDM Vol. 3C §29.4.1). They are derived from the EPT paging structures
 * only, are associated with the EPTP they were walked from, and, unlike linear and combined
 * mappings, survive VM entries and exits without VPIDs (§29.4.3.1); software invalidates them with
 * INVEPT (§29.4.3.2), which here is the hypervisor installing new tables.
 *
 * <p>Only successful walks are kept, never a violation or a misconfiguration. Each entry records
 * the access kinds (read, write, execute) that walks proved permitted; a hit needs every requested
 * kind proven. With accessed and dirty flags on, an entry's kind was filled by a walk that set the
 * flags it needs, so a hit leaves memory exactly as that walk would have.
 *
 * <p>Direct-mapped and allocation-free.
 */
public final class GuestPhysicalMappings {

    private static final int ENTRIES = 512;
    private static final long PAGE = 0xFFFL;
    private static final long INVALID = -1L;

    private final long[] tag = new long[ENTRIES];
    private final long[] host = new long[ENTRIES];
    /** Per entry, the {@link EptEntry#RWX} kinds successful walks asked for. */
    private final int[] proven = new int[ENTRIES];
    /** The EPTP the entries were walked from. */
    private long eptp = INVALID;

    public GuestPhysicalMappings() {
        invalidate();
    }

    /** Drops every entry (INVEPT, all contexts). */
    public void invalidate() {
        Arrays.fill(tag, INVALID);
    }

    /** The cached host-physical address of {@code gpa} for {@code kinds} under {@code eptp}, or -1. */
    public long lookup(long eptp, long gpa, int kinds) {
        if (eptp != this.eptp) {
            return INVALID;
        }
        int slot = slot(gpa);
        if (tag[slot] != (gpa & ~PAGE) || (kinds & ~proven[slot]) != 0) {
            return INVALID;
        }
        return host[slot] | (gpa & PAGE);
    }

    /** Records a successful walk of {@code gpa} for {@code kinds} under {@code eptp}. */
    public void fill(long eptp, long gpa, int kinds, long hostPhysical) {
        if (eptp != this.eptp) {
            invalidate();
            this.eptp = eptp;
        }
        int slot = slot(gpa);
        long page = gpa & ~PAGE;
        long hostPage = hostPhysical & ~PAGE;
        if (tag[slot] != page || host[slot] != hostPage) {
            tag[slot] = page;
            host[slot] = hostPage;
            proven[slot] = 0;
        }
        proven[slot] |= (int) (kinds & EptEntry.RWX);
    }

    private static int slot(long gpa) {
        return (int) (gpa >>> 12) & (ENTRIES - 1);
    }
}
