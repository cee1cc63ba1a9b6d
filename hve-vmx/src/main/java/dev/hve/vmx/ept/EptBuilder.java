package dev.hve.vmx.ept;

import dev.hve.emulator.memory.HostMemory;

/**
 * Builds a fresh 4-level EPT hierarchy in modeled host memory. Each mapping uses the largest
 * page (1 GiB, 2 MiB, 4 KiB) that both addresses' alignment and the remaining length allow.
 * Guest-physical addresses left unmapped stay not-present, so accesses to them are EPT
 * violations: that is how MMIO reaches the monitor.
 */
public final class EptBuilder {

    private static final long PAGE_4K = 1L << 12;
    private static final long PAGE_2M = 1L << 21;
    private static final long PAGE_1G = 1L << 30;

    private final HostMemory memory;
    private final long pml4;
    private final boolean largePages;

    /** Starts an empty hierarchy; {@code largePages} allows 2 MiB and 1 GiB leaves. */
    public EptBuilder(HostMemory memory, boolean largePages) {
        this.memory = memory;
        this.largePages = largePages;
        this.pml4 = newTable();
    }

    /** The PML4 table's host-physical address. */
    public long pml4() {
        return pml4;
    }

    /** Maps {@code size} bytes at {@code gpa} to {@code hpa} (both 4 KiB-aligned) as write-back RWX memory. */
    public EptBuilder map(long gpa, long hpa, long size) {
        return map(gpa, hpa, size, EptEntry.RWX, EptEntry.WB);
    }

    public EptBuilder map(long gpa, long hpa, long size, long permissions, int memoryType) {
        if (((gpa | hpa | size) & (PAGE_4K - 1)) != 0) {
            throw new IllegalArgumentException("EPT mappings must be 4 KiB-aligned");
        }
        long done = 0;
        while (done < size) {
            long g = gpa + done;
            long h = hpa + done;
            long left = size - done;
            long page;
            int level;
            if (largePages && ((g | h) & (PAGE_1G - 1)) == 0 && left >= PAGE_1G) {
                page = PAGE_1G;
                level = 3;
            } else if (largePages && ((g | h) & (PAGE_2M - 1)) == 0 && left >= PAGE_2M) {
                page = PAGE_2M;
                level = 2;
            } else {
                page = PAGE_4K;
                level = 1;
            }
            long entryAddress = entryFor(g, level);
            memory.write64(entryAddress, EptEntry.leaf(h, permissions, memoryType, level > 1));
            done += page;
        }
        return this;
    }

    /** The address of the level-{@code level} entry for {@code gpa}, creating tables above it. */
    public long entryFor(long gpa, int level) {
        long table = pml4;
        for (int l = 4; l > level; l--) {
            long entryAddress = table + index(gpa, l);
            long entry = memory.read64(entryAddress);
            if (!EptEntry.present(entry)) {
                long next = newTable();
                memory.write64(entryAddress, EptEntry.table(next));
                table = next;
            } else {
                if ((entry & EptEntry.PAGE_SIZE) != 0 && l != 4) {
                    throw new IllegalStateException("overlapping EPT mapping at 0x" + Long.toHexString(gpa));
                }
                table = entry & ~0xFFFL & ((1L << 52) - 1);
            }
        }
        return table + index(gpa, level);
    }

    private static long index(long gpa, int level) {
        return ((gpa >>> (12 + 9 * (level - 1))) & 0x1FF) << 3;
    }

    private long newTable() {
        long table = memory.allocate(PAGE_4K, PAGE_4K);
        memory.clear(table, PAGE_4K);
        return table;
    }
}
