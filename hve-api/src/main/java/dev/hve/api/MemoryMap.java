package dev.hve.api;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The guest-physical RAM layout: non-overlapping, page-aligned regions. Anything else is MMIO. */
public record MemoryMap(List<Region> regions) {

    public static final long PAGE_SIZE = 4096;

    /** One RAM region. */
    public record Region(long guestPhysical, long size) {
        public Region {
            if (guestPhysical < 0 || size <= 0 || guestPhysical % PAGE_SIZE != 0 || size % PAGE_SIZE != 0) {
                throw new IllegalArgumentException(String.format(
                    "RAM region 0x%x+0x%x must be page-aligned and non-empty", guestPhysical, size));
            }
        }

        public long end() {
            return guestPhysical + size;
        }

        public boolean contains(long address) {
            return address >= guestPhysical && address < end();
        }
    }

    public MemoryMap {
        List<Region> sorted = new ArrayList<>(regions);
        sorted.sort(Comparator.comparingLong(Region::guestPhysical));
        for (int i = 1; i < sorted.size(); i++) {
            Region previous = sorted.get(i - 1);
            Region next = sorted.get(i);
            if (next.guestPhysical() < previous.end()) {
                throw new IllegalArgumentException(String.format(
                    "RAM regions overlap: 0x%x+0x%x and 0x%x+0x%x", previous.guestPhysical(), previous.size(),
                    next.guestPhysical(), next.size()));
            }
        }
        regions = List.copyOf(sorted);
    }

    /** A single RAM region at guest-physical 0. */
    public static MemoryMap ram(long bytes) {
        return new MemoryMap(List.of(new Region(0, bytes)));
    }

    public boolean isRam(long guestPhysical) {
        for (Region region : regions) {
            if (region.contains(guestPhysical)) {
                return true;
            }
        }
        return false;
    }

    public long totalRam() {
        long total = 0;
        for (Region region : regions) {
            total += region.size();
        }
        return total;
    }
}
