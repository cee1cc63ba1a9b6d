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

    private final MemoryMap map;
    private final GuestRamBlocks blocks;

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

    public int regionCount() {
        return blocks.regionCount();
    }

    public long guestStart(int region) {
        return blocks.guestStart(region);
    }

    public long guestEnd(int region) {
        return blocks.guestStart(region) + blocks.size(region);
    }

    public long hostStart(int region) {
        return blocks.hostStart(region);
    }

    /** The host-physical address behind {@code guestPhysical}, or -1 if it is not RAM. */
    public long hostAddress(long guestPhysical) {
        return blocks.hostAddress(guestPhysical);
    }

    /** Bytes of RAM from {@code guestPhysical} to the end of its region; 0 if not RAM. */
    public long contiguousBytes(long guestPhysical) {
        return blocks.contiguous(guestPhysical);
    }
}
