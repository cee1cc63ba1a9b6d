package dev.hve.svm.npt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hve.api.MemoryMap;
import dev.hve.emulator.memory.HostMemory;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The nested TLB: a hit is exactly the walk's result and leaves the tables exactly as a walk
 * would; rights are per walk kind; a flush or another N_CR3 empties it.
 */
class NestedTlbTest {

    private final HostMemory memory = new HostMemory();
    private final NptWalker walker = new NptWalker(memory, 48);
    private final NestedTlb tlb = new NestedTlb();

    private long root(MemoryMap map) {
        return NptBuilder.build(memory, GuestRam.layOut(map, memory, GuestRam.empty()));
    }

    @Test
    void aHitIsTheWalksResultForEveryOffsetInThePage() {
        long root = root(MemoryMap.ram(0x40_0000));
        long walked = walker.walk(root, 0x1_2345, NptWalker.READ);
        tlb.fill(root, 0x1_2345, NptWalker.READ, walked);
        for (long gpa : new long[] {0x1_2000, 0x1_2345, 0x1_2FFF}) {
            assertEquals(walker.walk(root, gpa, NptWalker.READ), tlb.lookup(root, gpa, NptWalker.READ));
        }
        assertEquals(-1, tlb.lookup(root, 0x1_3000, NptWalker.READ), "the next page was never walked");
    }

    @Test
    void writeAndFetchNeedAnEntryFilledByThatKind() {
        long root = root(MemoryMap.ram(0x40_0000));
        tlb.fill(root, 0x5000, NptWalker.READ, walker.walk(root, 0x5000, NptWalker.READ));
        assertEquals(-1, tlb.lookup(root, 0x5000, NptWalker.WRITE), "a read walk does not set the dirty bit");
        assertEquals(-1, tlb.lookup(root, 0x5000, NptWalker.FETCH), "a read walk does not check NX");
        tlb.fill(root, 0x5000, NptWalker.WRITE, walker.walk(root, 0x5000, NptWalker.WRITE));
        assertEquals(walker.walk(root, 0x5000, NptWalker.WRITE), tlb.lookup(root, 0x5000, NptWalker.WRITE));
        assertEquals(walker.walk(root, 0x5000, NptWalker.READ), tlb.lookup(root, 0x5000, NptWalker.READ),
            "a write walk proves a read");
        assertEquals(-1, tlb.lookup(root, 0x5000, NptWalker.FETCH));
    }

    @Test
    void aHitLeavesTheTablesAsTheWalkItStandsForWould() {
        long root = root(new MemoryMap(List.of(new MemoryMap.Region(0, 0x2000))));
        long walked = walker.walk(root, 0x1000, NptWalker.WRITE);
        tlb.fill(root, 0x1000, NptWalker.WRITE, walked);
        long[] before = path(root, 0x1000);
        // The walk the hit replaces finds A and D already set at every level and writes nothing.
        assertEquals(walked, walker.walk(root, 0x1000, NptWalker.WRITE));
        assertEquals(java.util.Arrays.toString(before), java.util.Arrays.toString(path(root, 0x1000)));
        for (long entry : before) {
            assertEquals(NptEntry.A, entry & NptEntry.A);
        }
        assertEquals(NptEntry.D, before[3] & NptEntry.D);
        assertEquals(walked, tlb.lookup(root, 0x1000, NptWalker.WRITE));
    }

    /** The four entries the walk of {@code gpa} reads, PML4E to PTE. */
    private long[] path(long root, long gpa) {
        long[] entries = new long[4];
        long table = root & NptEntry.ADDRESS;
        for (int level = 4; level >= 1; level--) {
            long entry = memory.read64(table + ((gpa >>> (12 + 9 * (level - 1))) & 0x1FF) * 8);
            entries[4 - level] = entry;
            table = entry & NptEntry.ADDRESS;
        }
        return entries;
    }

    @Test
    void flushAndANewRootEmptyIt() {
        long root = root(MemoryMap.ram(0x40_0000));
        tlb.fill(root, 0x7000, NptWalker.READ, walker.walk(root, 0x7000, NptWalker.READ));
        tlb.flush();
        assertEquals(-1, tlb.lookup(root, 0x7000, NptWalker.READ));
        tlb.fill(root, 0x7000, NptWalker.READ, walker.walk(root, 0x7000, NptWalker.READ));
        long other = root(MemoryMap.ram(0x40_0000));
        assertEquals(-1, tlb.lookup(other, 0x7000, NptWalker.READ), "entries belong to the root they were walked from");
        tlb.fill(other, 0x8000, NptWalker.READ, walker.walk(other, 0x8000, NptWalker.READ));
        assertEquals(-1, tlb.lookup(root, 0x7000, NptWalker.READ), "filling for a new root dropped the old entries");
    }

    @Test
    void anotherPageInTheSameSlotReplacesTheEntryAndItsRights() {
        long root = root(MemoryMap.ram(0x400_0000));
        tlb.fill(root, 0x3000, NptWalker.WRITE, walker.walk(root, 0x3000, NptWalker.WRITE));
        long alias = 0x3000 + 256 * 4096L;
        tlb.fill(root, alias, NptWalker.READ, walker.walk(root, alias, NptWalker.READ));
        assertEquals(-1, tlb.lookup(root, 0x3000, NptWalker.READ));
        assertEquals(-1, tlb.lookup(root, alias, NptWalker.WRITE), "the write right was the other page's");
        assertEquals(walker.walk(root, alias, NptWalker.READ), tlb.lookup(root, alias, NptWalker.READ));
    }
}
