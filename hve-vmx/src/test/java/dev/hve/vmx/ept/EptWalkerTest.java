package dev.hve.vmx.ept;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hve.emulator.memory.HostMemory;
import dev.hve.vmx.capability.VmxCapabilities;
import org.junit.jupiter.api.Test;

/** The EPT translation, misconfiguration and violation rules of Intel SDM Vol. 3C §29.3. */
class EptWalkerTest {

    private final HostMemory memory = new HostMemory();
    private final EptWalker walker = new EptWalker(memory);
    private static final int R = 1;
    private static final int W = 2;
    private static final int X = 4;

    private long target(long size, long alignment) {
        return memory.allocate(size, alignment);
    }

    @Test
    void fourKilobytePagesTranslateWithTheirOffset() {
        long page = target(4096, 4096);
        EptBuilder ept = new EptBuilder(memory, false).map(0x5000, page, 4096);
        long eptp = EptPointer.of(ept.pml4(), false);
        assertEquals(page + 0x123, walker.translate(eptp, 0x5123, R));
        assertEquals(EptWalker.VIOLATION, walker.translate(eptp, 0x6000, R), "unmapped: not present");
        assertEquals(0, walker.lastPermissions(), "a not-present entry contributes no permission");
    }

    @Test
    void twoMegabyteAndOneGigabytePagesAreLeaves() {
        long two = target(2L << 20, 2L << 20);
        EptBuilder ept = new EptBuilder(memory, true).map(0x20_0000, two, 2L << 20);
        // A 1 GiB leaf needs only the address bits: it may name host memory that is never touched.
        long pdpte = ept.entryFor(0x4000_0000L, 3);
        memory.write64(pdpte, EptEntry.leaf(0x4000_0000L, EptEntry.RWX, EptEntry.WB, true));
        long eptp = EptPointer.of(ept.pml4(), false);
        assertEquals(two + 0x1_2345, walker.translate(eptp, 0x21_2345, R | W));
        assertEquals(0x4000_0000L + 0x1234_5678L, walker.translate(eptp, 0x4000_0000L + 0x1234_5678L, X));
        long pde = ept.entryFor(0x20_0000, 2);
        assertTrue((memory.read64(pde) & EptEntry.PAGE_SIZE) != 0);
    }

    @Test
    void permissionsAreTheAndOfEveryLevel() {
        long page = target(4096, 4096);
        EptBuilder ept = new EptBuilder(memory, false).map(0x7000, page, 4096, EptEntry.READ | EptEntry.EXECUTE, EptEntry.WB);
        long eptp = EptPointer.of(ept.pml4(), false);
        assertEquals(page, walker.translate(eptp, 0x7000, R));
        assertEquals(EptWalker.VIOLATION, walker.translate(eptp, 0x7000, W));
        assertEquals(R | X, walker.lastPermissions());
        // Take execute away in the PDE: the effective permission loses X even though the PTE grants it.
        long pde = ept.entryFor(0x7000, 2);
        memory.write64(pde, memory.read64(pde) & ~EptEntry.EXECUTE);
        assertEquals(EptWalker.VIOLATION, walker.translate(eptp, 0x7000, X));
        assertEquals(R, walker.lastPermissions());
    }

    @Test
    void writeWithoutReadIsAMisconfiguration() {
        EptBuilder ept = new EptBuilder(memory, false).map(0x8000, target(4096, 4096), 4096, EptEntry.WRITE, EptEntry.WB);
        assertEquals(EptWalker.MISCONFIGURATION, walker.translate(EptPointer.of(ept.pml4(), false), 0x8000, R));
    }

    @Test
    void executeOnlyIsAllowedBecauseTheCapabilityReportsIt() {
        long page = target(4096, 4096);
        EptBuilder ept = new EptBuilder(memory, false).map(0x8000, page, 4096, EptEntry.EXECUTE, EptEntry.WB);
        long eptp = EptPointer.of(ept.pml4(), false);
        assertEquals(page, walker.translate(eptp, 0x8000, X));
        EptWalker noExecuteOnly = new EptWalker(memory, new VmxCapabilities().eptVpidCap() & ~VmxCapabilities.EPT_EXECUTE_ONLY,
            VmxCapabilities.MAXPHYADDR);
        assertEquals(EptWalker.MISCONFIGURATION, noExecuteOnly.translate(eptp, 0x8000, X));
    }

    @Test
    void largePagesTheCapabilitiesDoNotReportAreMisconfigurations() {
        long two = target(2L << 20, 2L << 20);
        EptBuilder ept = new EptBuilder(memory, true).map(0x20_0000, two, 2L << 20);
        long pdpte = ept.entryFor(0x4000_0000L, 3);
        memory.write64(pdpte, EptEntry.leaf(0x4000_0000L, EptEntry.RWX, EptEntry.WB, true));
        long eptp = EptPointer.of(ept.pml4(), false);
        long caps = new VmxCapabilities().eptVpidCap();
        EptWalker no2m = new EptWalker(memory, caps & ~VmxCapabilities.EPT_2MB_PAGES, VmxCapabilities.MAXPHYADDR);
        EptWalker no1g = new EptWalker(memory, caps & ~VmxCapabilities.EPT_1GB_PAGES, VmxCapabilities.MAXPHYADDR);
        // IA32_VMX_EPT_VPID_CAP bits 16 and 17 (§29.3.3.1): a PS=1 entry at an unsupported level.
        assertEquals(EptWalker.MISCONFIGURATION, no2m.translate(eptp, 0x21_0000, R));
        assertEquals(0x4000_0000L, no2m.translate(eptp, 0x4000_0000L, R), "1 GiB pages still supported");
        assertEquals(EptWalker.MISCONFIGURATION, no1g.translate(eptp, 0x4000_0000L, R));
        assertEquals(two + 0x1_0000, no1g.translate(eptp, 0x21_0000, R), "2 MiB pages still supported");
    }

    @Test
    void reservedMemoryTypesAreMisconfigurations() {
        for (int type : new int[] {2, 3, 7}) {
            EptBuilder ept = new EptBuilder(memory, false).map(0x9000, target(4096, 4096), 4096, EptEntry.RWX, type);
            assertEquals(EptWalker.MISCONFIGURATION, walker.translate(EptPointer.of(ept.pml4(), false), 0x9000, R), "type " + type);
        }
        EptBuilder uc = new EptBuilder(memory, false).map(0x9000, target(4096, 4096), 4096, EptEntry.RWX, EptEntry.UC);
        assertTrue(walker.translate(EptPointer.of(uc.pml4(), false), 0x9000, R) >= 0);
    }

    @Test
    void reservedBitsAreMisconfigurations() {
        long page = target(4096, 4096);
        EptBuilder ept = new EptBuilder(memory, true).map(0xA000, page, 4096);
        long eptp = EptPointer.of(ept.pml4(), false);
        long pml4e = ept.entryFor(0xA000, 4);
        long original = memory.read64(pml4e);
        memory.write64(pml4e, original | EptEntry.PAGE_SIZE); // bit 7 is reserved in a PML4E
        assertEquals(EptWalker.MISCONFIGURATION, walker.translate(eptp, 0xA000, R));
        memory.write64(pml4e, original | (1L << VmxCapabilities.MAXPHYADDR)); // beyond MAXPHYADDR
        assertEquals(EptWalker.MISCONFIGURATION, walker.translate(eptp, 0xA000, R));
        memory.write64(pml4e, original);
        assertEquals(page, walker.translate(eptp, 0xA000, R));
        // A 1 GiB leaf with bits 29:12 set.
        long pdpte = ept.entryFor(0x8000_0000L, 3);
        memory.write64(pdpte, EptEntry.leaf(0x8000_0000L | 0x1000, EptEntry.RWX, EptEntry.WB, true));
        assertEquals(EptWalker.MISCONFIGURATION, walker.translate(eptp, 0x8000_0000L, R));
        // A 2 MiB leaf with bits 20:12 set.
        long pde = ept.entryFor(0xC000_0000L, 2);
        memory.write64(pde, EptEntry.leaf(0x20_0000 | 0x1000, EptEntry.RWX, EptEntry.WB, true));
        assertEquals(EptWalker.MISCONFIGURATION, walker.translate(eptp, 0xC000_0000L, R));
    }

    @Test
    void accessedAndDirtyFlagsOnlyWhenTheEptpEnablesThem() {
        long page = target(4096, 4096);
        EptBuilder ept = new EptBuilder(memory, false).map(0xB000, page, 4096);
        long pte = ept.entryFor(0xB000, 1);
        long pml4e = ept.entryFor(0xB000, 4);
        walker.translate(EptPointer.of(ept.pml4(), false), 0xB000, W);
        assertEquals(0, memory.read64(pte) & (EptEntry.ACCESSED | EptEntry.DIRTY));
        long eptp = EptPointer.of(ept.pml4(), true);
        walker.translate(eptp, 0xB000, R);
        assertEquals(EptEntry.ACCESSED, memory.read64(pte) & (EptEntry.ACCESSED | EptEntry.DIRTY));
        assertEquals(EptEntry.ACCESSED, memory.read64(pml4e) & EptEntry.ACCESSED);
        walker.translate(eptp, 0xB000, W);
        assertEquals(EptEntry.DIRTY, memory.read64(pte) & EptEntry.DIRTY);
        assertEquals(0, memory.read64(pml4e) & EptEntry.DIRTY, "only the leaf gets the dirty flag");
    }

    @Test
    void eptpValidation() {
        long cap = new VmxCapabilities().eptVpidCap();
        int width = VmxCapabilities.MAXPHYADDR;
        assertTrue(EptPointer.valid(0x1000 | 6 | (3 << 3), cap, width));
        assertTrue(EptPointer.valid(0x1000 | 0 | (3 << 3), cap, width), "UC");
        assertTrue(EptPointer.valid(0x1000 | 6 | (3 << 3) | (1 << 6), cap, width), "A/D supported");
        assertFalse(EptPointer.valid(0x1000 | 6 | (3 << 3) | (1 << 6), cap & ~VmxCapabilities.EPT_ACCESSED_DIRTY, width));
        assertFalse(EptPointer.valid(0x1000 | 1 | (3 << 3), cap, width), "WC is not an EPT paging-structure type");
        assertFalse(EptPointer.valid(0x1000 | 6 | (4 << 3), cap, width), "5-level walk");
        assertFalse(EptPointer.valid(0x1000 | 6 | (3 << 3) | (1 << 8), cap, width), "bits 11:7 reserved");
        assertFalse(EptPointer.valid((1L << width) | 6 | (3 << 3), cap, width), "beyond MAXPHYADDR");
    }
}
