package dev.hve.svm.npt;

import dev.hve.api.MemoryMap;
import dev.hve.emulator.memory.HostMemory;
import java.util.List;

/**
 * Where each RAM region of a memory map lives in modeled host memory: one contiguous,
 * 2 MiB-aligned host block per region, so that the nested page tables can use large pages.
 * Immutable; a new map makes a new instance.
 */
public final class GuestRam {

    /** 2 MiB: the large-page size NPT uses where a region allows it. */
    static final long LARGE_PAGE = 1L << 21;

    private final MemoryMap map;
    private final long[] guestStart;
    private final long[] guestEnd;
    private final long[] hostStart;

    private GuestRam(MemoryMap map, long[] guestStart, long[] guestEnd, long[] hostStart) {
        this.map = map;
        this.guestStart = guestStart;
        this.guestEnd = guestEnd;
        this.hostStart = hostStart;
    }

    /** An empty layout: no RAM. */
    public static GuestRam empty() {
        return new GuestRam(new MemoryMap(List.of()), new long[0], new long[0], new long[0]);
    }

    /**
     * Lays out {@code map} in {@code memory}. A region identical to one of {@code previous} keeps
     * its host block; any other RAM gets a fresh block, into which the bytes of RAM that stays at
     * the same guest-physical place are copied, so that the monitor's view of such RAM never
     * changes across the replacement.
     */
    public static GuestRam layOut(MemoryMap map, HostMemory memory, GuestRam previous) {
        List<MemoryMap.Region> regions = map.regions();
        int n = regions.size();
        long[] gs = new long[n];
        long[] ge = new long[n];
        long[] hs = new long[n];
        for (int i = 0; i < n; i++) {
            MemoryMap.Region region = regions.get(i);
            gs[i] = region.guestPhysical();
            ge[i] = region.end();
            long reused = previous.identicalBlock(region);
            if (reused >= 0) {
                hs[i] = reused;
                continue;
            }
            long alignment = region.size() >= LARGE_PAGE ? LARGE_PAGE : MemoryMap.PAGE_SIZE;
            hs[i] = memory.allocate(region.size(), alignment);
            previous.copyOverlap(memory, region, hs[i]);
        }
        return new GuestRam(map, gs, ge, hs);
    }

    private long identicalBlock(MemoryMap.Region region) {
        for (int i = 0; i < guestStart.length; i++) {
            if (guestStart[i] == region.guestPhysical() && guestEnd[i] == region.end()) {
                return hostStart[i];
            }
        }
        return -1;
    }

    private void copyOverlap(HostMemory memory, MemoryMap.Region region, long host) {
        byte[] buffer = null;
        for (int i = 0; i < guestStart.length; i++) {
            long from = Math.max(guestStart[i], region.guestPhysical());
            long to = Math.min(guestEnd[i], region.end());
            for (long at = from; at < to; at += MemoryMap.PAGE_SIZE) {
                if (buffer == null) {
                    buffer = new byte[(int) MemoryMap.PAGE_SIZE];
                }
                memory.readBytes(hostStart[i] + (at - guestStart[i]), buffer, 0, buffer.length);
                memory.writeBytes(host + (at - region.guestPhysical()), buffer, 0, buffer.length);
            }
        }
    }

    public MemoryMap map() {
        return map;
    }

    public int regionCount() {
        return guestStart.length;
    }

    public long guestStart(int region) {
        return guestStart[region];
    }

    public long guestEnd(int region) {
        return guestEnd[region];
    }

    public long hostStart(int region) {
        return hostStart[region];
    }

    /** The host-physical address backing {@code guestPhysical}, or -1 when it is not RAM. */
    public long hostAddress(long guestPhysical) {
        for (int i = 0; i < guestStart.length; i++) {
            if (guestPhysical >= guestStart[i] && guestPhysical < guestEnd[i]) {
                return hostStart[i] + (guestPhysical - guestStart[i]);
            }
        }
        return -1;
    }

    /** Bytes of RAM from {@code guestPhysical} to the end of its region, or 0 when it is not RAM. */
    public long contiguousBytes(long guestPhysical) {
        for (int i = 0; i < guestStart.length; i++) {
            if (guestPhysical >= guestStart[i] && guestPhysical < guestEnd[i]) {
                return guestEnd[i] - guestPhysical;
            }
        }
        return 0;
    }
}
