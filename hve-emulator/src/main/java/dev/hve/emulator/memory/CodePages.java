package dev.hve.emulator.memory;

import java.util.Arrays;

/**
 * Which 4 KiB pages of {@link HostMemory} hold instructions that a core has decoded, and a stamp
 * per page that changes whenever such a page is written. A core keeps decoded instructions keyed
 * by host-physical address together with the stamp it saw; a decode is still good while the stamp
 * is unchanged, so writes to code pages (self-modifying code, DMA, a monitor or another vCPU
 * writing guest memory) invalidate it without comparing bytes on every fetch.
 *
 * <p>A stamp is odd while the page is marked as holding code. A write to a marked page adds one
 * (the stamp turns even, the mark is gone); marking an unmarked page adds one again, so a stamp
 * seen before a write never matches after it. Writes to unmarked pages cost one array load.
 */
public final class CodePages {

    private static final int PAGE_SHIFT = 12;

    /** The per-page stamps, indexed by host-physical page number; read directly on hot paths. */
    int[] stamps = new int[0];

    /** The stamps array, for a fast inline check of {@code stamps[page] & 1} on a store path. */
    public int[] stamps() {
        return stamps;
    }

    void grow(long bytes) {
        int pages = (int) ((bytes + (1L << PAGE_SHIFT) - 1) >>> PAGE_SHIFT);
        if (pages > stamps.length) {
            stamps = Arrays.copyOf(stamps, pages);
        }
    }

    /** Marks {@code page} as holding decoded code and returns its stamp (odd). */
    public int mark(int page) {
        int s = stamps[page];
        if ((s & 1) == 0) {
            stamps[page] = ++s;
        }
        return s;
    }

    /** The current stamp of {@code page}. */
    public int stamp(int page) {
        return stamps[page];
    }

    /** Records a write to {@code page}: a marked page gets a new stamp and loses its mark. */
    public void written(int page) {
        int s = stamps[page];
        if ((s & 1) != 0) {
            stamps[page] = s + 1;
        }
    }

    /** Records a write of {@code length} bytes at {@code hpa} (any number of pages). */
    public void written(long hpa, long length) {
        if (length <= 0) {
            return;
        }
        long first = hpa >>> PAGE_SHIFT;
        long last = (hpa + length - 1) >>> PAGE_SHIFT;
        for (long p = first; p <= last && p < stamps.length; p++) {
            written((int) p);
        }
    }
}
