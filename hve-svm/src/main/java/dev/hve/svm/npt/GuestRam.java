package dev.hve.svm.npt;

import dev.hve.api.MemoryMap;
import dev.hve.emulator.memory.GuestRamBlocks;
import dev.hve.emulator.memory.HostMemory;
import java.util.List;

/**
 * A memory map laid out in modeled host memory: the map and the core's {@link GuestRamBlocks}
 * (one 2 MiB-aligned host block per large region), from which the nested page tables are built.
 * Immutable; a new map makes a new instance.
 */
public final class GuestRam {

    private static final long PAGE = MemoryMap.PAGE_SIZE - 1;
    private static final long NONE = -1;

    private final MemoryMap map;
    private final GuestRamBlocks blocks;
    /**
     * The page {@link #isRam} last answered for, with the answer in bit 0 (page-aligned, so the
     * bit is free), or {@link #NONE}. MMIO emulation asks about the same device page at every
     * access; regions are page-aligned ({@link MemoryMap.Region}), so the answer holds for the
     * whole page, and the layout never changes. One long, so racing vCPUs see a whole answer.
     */
    private volatile long lastPage = NONE;

    private GuestRam(MemoryMap map, GuestRamBlocks blocks) {
        this.map = map;
        this.blocks = blocks;
    }

    /** An empty layout: no RAM. */
    public static GuestRam empty() {
        return new GuestRam(new MemoryMap(List.of()), GuestRamBlocks.empty());
    }

    /**
     * Lays out {@code map} in {@code memory}. A region identical to one of {@code previous} keeps
     * its host block; RAM that stays at the same guest-physical place keeps its bytes, so the
     * monitor's view of it never changes across the replacement.
     */
    public static GuestRam layOut(MemoryMap map, HostMemory memory, GuestRam previous) {
        List<MemoryMap.Region> regions = map.regions();
        long[] starts = new long[regions.size()];
        long[] sizes = new long[regions.size()];
        for (int i = 0; i < regions.size(); i++) {
            starts[i] = regions.get(i).guestPhysical();
            sizes[i] = regions.get(i).size();
        }
        return new GuestRam(map, GuestRamBlocks.place(starts, sizes, previous.blocks, memory));
    }

    public MemoryMap map() {
        return map;
    }

    public GuestRamBlocks blocks() {
        return blocks;
    }

    /** Whether {@code guestPhysical} is RAM in this layout (not MMIO). */
    public boolean isRam(long guestPhysical) {
        long page = guestPhysical & ~PAGE;
        long last = lastPage;
        if (last != NONE && (last & ~PAGE) == page) {
            return (last & 1) != 0;
        }
        boolean ram = blocks.hostAddress(guestPhysical) >= 0;
        lastPage = page | (ram ? 1 : 0);
        return ram;
    }
}
