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
}
