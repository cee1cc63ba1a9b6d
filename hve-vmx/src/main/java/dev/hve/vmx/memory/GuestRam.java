package dev.hve.vmx.memory;

import dev.hve.api.MemoryMap;
import dev.hve.emulator.memory.GuestRamBlocks;
import dev.hve.emulator.memory.HostMemory;
import java.util.List;

/**
 * A memory map placed in modeled host memory: the map itself and the core's
 * {@link GuestRamBlocks}, from which the EPT is built. Immutable; a new map makes a new instance.
 */
public final class GuestRam {

    private final MemoryMap map;
    private final GuestRamBlocks blocks;

    private GuestRam(MemoryMap map, GuestRamBlocks blocks) {
        this.map = map;
        this.blocks = blocks;
    }

    /** An empty layout. */
    public static GuestRam empty() {
        return new GuestRam(new MemoryMap(List.of()), GuestRamBlocks.empty());
    }

    /** Places {@code map}; regions that stay keep their host pages and contents. */
    public static GuestRam place(MemoryMap map, GuestRam previous, HostMemory memory) {
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
