package dev.hve.vmx.ept;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hve.emulator.memory.HostMemory;
import org.junit.jupiter.api.Test;

/**
 * Cached guest-physical mappings (SDM Vol. 3C §29.4.1): a hit is the walk's result, only proven
 * access kinds hit, and like a processor's they outlive an EPT change until INVEPT.
 */
class GuestPhysicalMappingsTest {

    private static final int R = 1;
    private static final int W = 2;
    private static final int X = 4;

    private final HostMemory memory = new HostMemory();
    private final EptWalker walker = new EptWalker(memory);
    private final GuestPhysicalMappings mappings = new GuestPhysicalMappings();

    /** The translation as the backend makes it: the cache first, then a walk that fills it. */
    private long translate(long eptp, long gpa, int kinds) {
        long cached = mappings.lookup(eptp, gpa, kinds);
        if (cached >= 0) {
            return cached;
        }
        long hpa = walker.translate(eptp, gpa, kinds);
        if (hpa >= 0) {
            mappings.fill(eptp, gpa, kinds, hpa);
        }
        return hpa;
    }

    @Test
    void aHitIsWhatTheWalkGaveWithTheOffsetOfTheAccess() {
        long page = memory.allocate(4096, 4096);
        long eptp = EptPointer.of(new EptBuilder(memory, false).map(0x5000, page, 4096).pml4(), false);
        assertEquals(-1, mappings.lookup(eptp, 0x5010, R), "empty before the first walk");
        assertEquals(page + 0x10, translate(eptp, 0x5010, R));
        assertEquals(page + 0xFF8, mappings.lookup(eptp, 0x5FF8, R));
        assertEquals(-1, mappings.lookup(eptp, 0x6000, R), "another page");
        assertEquals(-1, mappings.lookup(eptp + 0x1000, 0x5010, R), "another EPTP");
    }

    @Test
    void onlyKindsAWalkProvedHit() {
        long page = memory.allocate(4096, 4096);
        long eptp = EptPointer.of(new EptBuilder(memory, false).map(0x7000, page, 4096, EptEntry.READ | EptEntry.EXECUTE,
            EptEntry.WB).pml4(), false);
        assertEquals(page, translate(eptp, 0x7000, R));
        assertEquals(-1, mappings.lookup(eptp, 0x7000, X), "execute was not proven by a read");
        assertEquals(EptWalker.VIOLATION, translate(eptp, 0x7000, W), "a write still walks, and faults");
        assertEquals(page, translate(eptp, 0x7000, X));
        assertEquals(page, mappings.lookup(eptp, 0x7000, R | X));
    }

    @Test
    void anEptChangeIsSeenAfterInveptNotBefore() {
        long page = memory.allocate(4096, 4096);
        EptBuilder ept = new EptBuilder(memory, false).map(0x9000, page, 4096);
        long eptp = EptPointer.of(ept.pml4(), false);
        assertEquals(page, translate(eptp, 0x9000, W));
        long pte = ept.entryFor(0x9000, 1);
        memory.write64(pte, memory.read64(pte) & ~EptEntry.WRITE);
        assertEquals(page, translate(eptp, 0x9000, W), "the stale mapping is used until INVEPT, as on silicon");
        mappings.invalidate();
        assertEquals(EptWalker.VIOLATION, translate(eptp, 0x9000, W));
    }
}
