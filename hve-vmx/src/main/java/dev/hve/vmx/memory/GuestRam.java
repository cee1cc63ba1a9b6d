package dev.hve.vmx.memory;

import dev.hve.api.MemoryMap;
import dev.hve.emulator.memory.HostMemory;
import java.util.List;

/**
 * Where each RAM region of a memory map lives in modeled host memory. Immutable: a new memory map
 * gives a new instance, which the VM publishes at once.
 */
public final class GuestRam {

    private static final long LARGE_PAGE = 1L << 21;

    private final MemoryMap map;
    private final long[] guestStart;
    private final long[] size;
    private final long[] hostStart;

    private GuestRam(MemoryMap map, long[] hostStart) {
        this.map = map;
        List<MemoryMap.Region> regions = map.regions();
        this.guestStart = new long[regions.size()];
        this.size = new long[regions.size()];
        this.hostStart = hostStart;
        for (int i = 0; i < regions.size(); i++) {
            guestStart[i] = regions.get(i).guestPhysical();
            size[i] = regions.get(i).size();
        }
    }

    /** An empty layout. */
    public static GuestRam empty() {
        return new GuestRam(new MemoryMap(List.of()), new long[0]);
    }

    /**
     * Places {@code map} in host memory. A region that keeps its place and size keeps its host
     * pages; other regions get fresh pages, into which the old contents of any RAM they overlap
     * are copied.
     */
    public static GuestRam place(MemoryMap map, GuestRam previous, HostMemory memory) {
        List<MemoryMap.Region> regions = map.regions();
        long[] hosts = new long[regions.size()];
        for (int i = 0; i < regions.size(); i++) {
            MemoryMap.Region region = regions.get(i);
            long same = previous.sameRegion(region);
            if (same >= 0) {
                hosts[i] = same;
                continue;
            }
            long alignment = region.size() >= LARGE_PAGE && region.guestPhysical() % LARGE_PAGE == 0 ? LARGE_PAGE : 4096;
            hosts[i] = memory.allocate(region.size(), alignment);
            memory.clear(hosts[i], region.size());
            previous.copyOverlap(region, hosts[i], memory);
        }
        return new GuestRam(map, hosts);
    }

    private long sameRegion(MemoryMap.Region region) {
        for (int i = 0; i < guestStart.length; i++) {
            if (guestStart[i] == region.guestPhysical() && size[i] == region.size()) {
                return hostStart[i];
            }
        }
        return -1;
    }

    private void copyOverlap(MemoryMap.Region region, long host, HostMemory memory) {
        byte[] page = new byte[4096];
        for (int i = 0; i < guestStart.length; i++) {
            long from = Math.max(guestStart[i], region.guestPhysical());
            long to = Math.min(guestStart[i] + size[i], region.end());
            for (long gpa = from; gpa < to; gpa += page.length) {
                int n = (int) Math.min(page.length, to - gpa);
                memory.readBytes(hostStart[i] + (gpa - guestStart[i]), page, 0, n);
                memory.writeBytes(host + (gpa - region.guestPhysical()), page, 0, n);
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

    public long size(int region) {
        return size[region];
    }

    public long hostStart(int region) {
        return hostStart[region];
    }

    /** The host-physical address backing {@code gpa}, or -1 when it is not RAM. */
    public long hostAddress(long gpa) {
        for (int i = 0; i < guestStart.length; i++) {
            if (gpa >= guestStart[i] && gpa - guestStart[i] < size[i]) {
                return hostStart[i] + (gpa - guestStart[i]);
            }
        }
        return -1;
    }

    /** Bytes of RAM from {@code gpa} to the end of its region (0 when not RAM). */
    public long contiguous(long gpa) {
        for (int i = 0; i < guestStart.length; i++) {
            if (gpa >= guestStart[i] && gpa - guestStart[i] < size[i]) {
                return size[i] - (gpa - guestStart[i]);
            }
        }
        return 0;
    }
}
