package dev.hve.svm.npt;

import dev.hve.emulator.memory.GuestRamBlocks;
import dev.hve.api.MemoryMap;
import dev.hve.emulator.memory.HostMemory;

/**
 * Builds a fresh set of nested page tables in modeled host memory that map exactly the RAM of a
 * {@link GuestRam} layout, identity-offset per region. Guest-physical addresses with no RAM are
 * left not present, so a guest access to them takes #VMEXIT(NPF) and reaches the monitor as MMIO.
 *
 * <p>A new tree is built for each map and only then published (its root becomes N_CR3 on the
 * next VMRUN), which is what makes the replacement atomic: no vCPU ever walks a half-built tree.
 * 2 MiB leaves are used where a whole aligned 2 MiB of guest-physical space is RAM backed by an
 * aligned host block; everything else uses 4 KiB leaves.
 */
public final class NptBuilder {

    private static final long PAGE = MemoryMap.PAGE_SIZE;

    private final HostMemory memory;
    private final long pml4;

    private NptBuilder(HostMemory memory) {
        this.memory = memory;
        this.pml4 = newTable();
    }

    /** Builds the tables for {@code ram} and returns the PML4's host-physical address (N_CR3). */
    public static long build(HostMemory memory, GuestRam ram) {
        NptBuilder builder = new NptBuilder(memory);
        GuestRamBlocks blocks = ram.blocks();
        for (int r = 0; r < blocks.regionCount(); r++) {
            builder.mapRegion(blocks.guestStart(r), blocks.guestStart(r) + blocks.size(r), blocks.hostStart(r));
        }
        return builder.pml4;
    }

    private void mapRegion(long guestStart, long guestEnd, long hostStart) {
        long gpa = guestStart;
        while (gpa < guestEnd) {
            long hpa = hostStart + (gpa - guestStart);
            boolean large = (gpa & (GuestRamBlocks.LARGE_PAGE - 1)) == 0 && (hpa & (GuestRamBlocks.LARGE_PAGE - 1)) == 0
                && guestEnd - gpa >= GuestRamBlocks.LARGE_PAGE;
            if (large) {
                long pd = table(table(pml4, gpa, 39), gpa, 30);
                memory.write64(pd + index(gpa, 21) * 8, hpa | NptEntry.TABLE_FLAGS | NptEntry.PS);
                gpa += GuestRamBlocks.LARGE_PAGE;
            } else {
                long pt = table(table(table(pml4, gpa, 39), gpa, 30), gpa, 21);
                memory.write64(pt + index(gpa, 12) * 8, hpa | NptEntry.TABLE_FLAGS);
                gpa += PAGE;
            }
        }
    }

    /** The next-level table under {@code table}'s entry for {@code gpa}, created if missing. */
    private long table(long table, long gpa, int shift) {
        long slot = table + index(gpa, shift) * 8;
        long entry = memory.read64(slot);
        if ((entry & NptEntry.P) != 0) {
            return entry & NptEntry.ADDRESS;
        }
        long next = newTable();
        memory.write64(slot, next | NptEntry.TABLE_FLAGS);
        return next;
    }

    private static long index(long gpa, int shift) {
        return (gpa >>> shift) & 0x1FF;
    }

    private long newTable() {
        long table = memory.allocate(PAGE, PAGE);
        memory.clear(table, PAGE);
        return table;
    }
}
