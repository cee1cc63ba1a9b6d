package dev.hve.emulator.memory;

/**
 * Where each region of guest RAM lives in modeled host memory: one contiguous host block per
 * region, 2 MiB-aligned when the region is large enough, so nested page tables (EPT or NPT) can
 * map it with large pages. It is also the monitor's direct view of guest RAM, the way a KVM user
 * process reads its mapping of guest memory without going through the nested tables.
 *
 * <p>Immutable: a new memory map gives a new instance through {@link #place}, and a region that
 * stays where it was keeps its host block, so replacing the map never changes RAM that stays.
 */
public final class GuestRamBlocks {

    /** 2 MiB: the large-page size of both EPT and NPT. */
    public static final long LARGE_PAGE = 1L << 21;
    private static final long PAGE = 4096;

    private final HostMemory memory;
    private final long[] guestStart;
    private final long[] size;
    private final long[] hostStart;

    private GuestRamBlocks(HostMemory memory, long[] guestStart, long[] size, long[] hostStart) {
        this.memory = memory;
        this.guestStart = guestStart;
        this.size = size;
        this.hostStart = hostStart;
    }

    /** No RAM at all. */
    public static GuestRamBlocks empty() {
        return new GuestRamBlocks(null, new long[0], new long[0], new long[0]);
    }

    /**
     * Places regions {@code [guestStarts[i], guestStarts[i] + sizes[i])} in host memory. A region
     * identical to one of {@code previous} keeps its host block; any other gets a fresh (zero)
     * block into which the bytes of previous RAM it overlaps are copied.
     */
    public static GuestRamBlocks place(long[] guestStarts, long[] sizes, GuestRamBlocks previous,
                                       HostMemory memory) {
        long[] hosts = new long[guestStarts.length];
        for (int i = 0; i < guestStarts.length; i++) {
            long same = previous.sameRegion(guestStarts[i], sizes[i]);
            if (same >= 0) {
                hosts[i] = same;
                continue;
            }
            long alignment = sizes[i] >= LARGE_PAGE ? LARGE_PAGE : PAGE;
            // Freshly allocated host memory reads as zero already: zeroing it again would touch
            // every page of guest RAM at start-up (half the demo guest's start-up time).
            hosts[i] = memory.allocate(sizes[i], alignment);
            previous.copyOverlap(guestStarts[i], sizes[i], hosts[i], memory);
        }
        return new GuestRamBlocks(memory, guestStarts.clone(), sizes.clone(), hosts);
    }

    private long sameRegion(long start, long length) {
        for (int i = 0; i < guestStart.length; i++) {
            if (guestStart[i] == start && size[i] == length) {
                return hostStart[i];
            }
        }
        return -1;
    }

    private void copyOverlap(long start, long length, long host, HostMemory memory) {
        byte[] page = new byte[(int) PAGE];
        for (int i = 0; i < guestStart.length; i++) {
            long from = Math.max(guestStart[i], start);
            long to = Math.min(guestStart[i] + size[i], start + length);
            for (long gpa = from; gpa < to; gpa += page.length) {
                int n = (int) Math.min(page.length, to - gpa);
                memory.readBytes(hostStart[i] + (gpa - guestStart[i]), page, 0, n);
                memory.writeBytes(host + (gpa - start), page, 0, n);
            }
        }
    }

    public HostMemory memory() {
        return memory;
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

    /** Bytes of RAM from {@code gpa} to the end of its region; 0 when {@code gpa} is not RAM. */
    public long contiguous(long gpa) {
        for (int i = 0; i < guestStart.length; i++) {
            if (gpa >= guestStart[i] && gpa - guestStart[i] < size[i]) {
                return size[i] - (gpa - guestStart[i]);
            }
        }
        return 0;
    }

    public void read(long gpa, byte[] destination, int offset, int length) {
        while (length > 0) {
            int n = span(gpa, length);
            memory.readBytes(hostAddress(gpa), destination, offset, n);
            gpa += n;
            offset += n;
            length -= n;
        }
    }

    public void write(long gpa, byte[] source, int offset, int length) {
        while (length > 0) {
            int n = span(gpa, length);
            memory.writeBytes(hostAddress(gpa), source, offset, n);
            gpa += n;
            offset += n;
            length -= n;
        }
    }

    /** A little-endian value of 1, 2, 4 or 8 bytes; may span two regions that touch. */
    public long readValue(long gpa, int size) {
        checkSize(size);
        if (contiguous(gpa) >= size) {
            return memory.read(hostAddress(gpa), size);
        }
        long value = 0;
        for (int i = 0; i < size; i++) {
            value |= (long) memory.read8(hostAddress(gpa + i, gpa)) << (8 * i);
        }
        return value;
    }

    public void writeValue(long gpa, int size, long value) {
        checkSize(size);
        if (contiguous(gpa) >= size) {
            memory.write(hostAddress(gpa), size, value);
            return;
        }
        for (int i = 0; i < size; i++) {
            memory.write8(hostAddress(gpa + i, gpa), (int) (value >>> (8 * i)));
        }
    }

    private long hostAddress(long gpa, long accessStart) {
        long host = hostAddress(gpa);
        if (host < 0) {
            throw notRam(accessStart);
        }
        return host;
    }

    private int span(long gpa, int length) {
        long available = contiguous(gpa);
        if (available <= 0) {
            throw notRam(gpa);
        }
        return (int) Math.min(length, available);
    }

    private static void checkSize(int size) {
        if (size != 1 && size != 2 && size != 4 && size != 8) {
            throw new IllegalArgumentException("access size " + size + " is not 1, 2, 4 or 8");
        }
    }

    private static IllegalArgumentException notRam(long gpa) {
        return new IllegalArgumentException(String.format("guest-physical 0x%x is not RAM", gpa));
    }
}
