package dev.hve.svm.npt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hve.api.MemoryMap;
import dev.hve.emulator.memory.HostMemory;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Nested page tables in legacy long-mode format (AMD APM Vol. 2, §15.25), built and walked. */
class NptTest {

    private final HostMemory memory = new HostMemory();
    private final NptWalker walker = new NptWalker(memory, 48);

    private GuestRam ram(MemoryMap map) {
        return GuestRam.layOut(map, memory, GuestRam.empty());
    }

    @Test
    void ramTranslatesToItsHostBlock() {
        GuestRam ram = ram(new MemoryMap(List.of(new MemoryMap.Region(0, 0x40_0000),
            new MemoryMap.Region(0x1_0000_0000L, 0x3000))));
        long root = NptBuilder.build(memory, ram);
        for (long gpa : new long[] {0, 0x1234, 0x20_0000, 0x3F_FFFF, 0x1_0000_0000L, 0x1_0000_2FFFL}) {
            assertEquals(ram.blocks().hostAddress(gpa), walker.walk(root, gpa, NptWalker.READ), "GPA " + Long.toHexString(gpa));
            assertEquals(ram.blocks().hostAddress(gpa), walker.walk(root, gpa, NptWalker.WRITE));
            assertEquals(ram.blocks().hostAddress(gpa), walker.walk(root, gpa, NptWalker.FETCH));
        }
    }

    @Test
    void largeRegionsUseTwoMegabyteLeaves() {
        GuestRam ram = ram(MemoryMap.ram(0x40_0000));
        long root = NptBuilder.build(memory, ram);
        long pml4e = memory.read64(root);
        long pdpte = memory.read64(pml4e & NptEntry.ADDRESS);
        long pde = memory.read64(pdpte & NptEntry.ADDRESS);
        assertEquals(NptEntry.PS, pde & NptEntry.PS);
        assertEquals(ram.blocks().hostStart(0), pde & NptEntry.ADDRESS);
        assertEquals(NptEntry.US | NptEntry.RW | NptEntry.P, pde & 7, "user + writable + present at every level");
    }

    @Test
    void ramOrNotIsAnsweredPerPageOfTheLayout() {
        GuestRam ram = ram(new MemoryMap(List.of(new MemoryMap.Region(0, 0x2000),
            new MemoryMap.Region(0x5000, 0x1000))));
        // The same page twice (the cached answer), then its neighbours on either side.
        for (long gpa : new long[] {0x1000, 0x1FFF, 0x2000, 0x2FFF, 0x4FFF, 0x5000, 0x5FFF, 0x6000, 0x0}) {
            assertEquals(ram.blocks().hostAddress(gpa) >= 0, ram.isRam(gpa), "GPA " + Long.toHexString(gpa));
            assertEquals(ram.blocks().hostAddress(gpa) >= 0, ram.isRam(gpa), "GPA " + Long.toHexString(gpa) + " again");
        }
    }

    @Test
    void holesAreNotPresentUserFaults() {
        GuestRam ram = ram(MemoryMap.ram(0x10_0000));
        long root = NptBuilder.build(memory, ram);
        assertEquals(NpfErrorCode.US, ~walker.walk(root, 0xFEE0_0000L, NptWalker.READ));
        assertEquals(NpfErrorCode.US | NpfErrorCode.RW, ~walker.walk(root, 0xFEE0_0000L, NptWalker.WRITE));
        assertEquals(NpfErrorCode.US | NpfErrorCode.ID, ~walker.walk(root, 0x10_0000, NptWalker.FETCH));
    }

    @Test
    void protectionAndReservedBitFaultsSetP() {
        GuestRam ram = ram(new MemoryMap(List.of(new MemoryMap.Region(0, 0x2000))));
        long root = NptBuilder.build(memory, ram);
        long pte = leafSlot(root, 0x1000);
        memory.write64(pte, memory.read64(pte) & ~NptEntry.RW);
        assertTrue(walker.walk(root, 0x1000, NptWalker.READ) >= 0);
        assertEquals(NpfErrorCode.P | NpfErrorCode.RW | NpfErrorCode.US, ~walker.walk(root, 0x1000, NptWalker.WRITE));
        memory.write64(pte, memory.read64(pte) | NptEntry.RW | NptEntry.NX);
        assertEquals(NpfErrorCode.P | NpfErrorCode.ID | NpfErrorCode.US, ~walker.walk(root, 0x1000, NptWalker.FETCH));
        memory.write64(pte, (memory.read64(pte) & ~NptEntry.NX) | 1L << 50); // above MAXPHYADDR 48
        assertEquals(NpfErrorCode.P | NpfErrorCode.RSV | NpfErrorCode.US, ~walker.walk(root, 0x1000, NptWalker.READ));
    }

    @Test
    void walkSetsAccessedAndDirty() {
        GuestRam ram = ram(new MemoryMap(List.of(new MemoryMap.Region(0, 0x2000))));
        long root = NptBuilder.build(memory, ram);
        long pte = leafSlot(root, 0x1000);
        walker.walk(root, 0x1000, NptWalker.READ);
        assertEquals(NptEntry.A, memory.read64(pte) & (NptEntry.A | NptEntry.D));
        walker.walk(root, 0x1000, NptWalker.WRITE);
        assertEquals(NptEntry.A | NptEntry.D, memory.read64(pte) & (NptEntry.A | NptEntry.D));
    }

    @Test
    void replacingTheMapKeepsRamThatStays() {
        GuestRam first = ram(new MemoryMap(List.of(new MemoryMap.Region(0, 0x3000))));
        RamGuestMemory view = new RamGuestMemory(() -> first);
        view.writeValue(0x1FFC, 8, 0x1122_3344_5566_7788L);
        GuestRam second = GuestRam.layOut(new MemoryMap(List.of(new MemoryMap.Region(0, 0x4000),
            new MemoryMap.Region(0x10000, 0x1000))), memory, first);
        assertNotEquals(first.blocks().hostStart(0), second.blocks().hostStart(0), "a resized region gets a new block");
        RamGuestMemory after = new RamGuestMemory(() -> second);
        assertEquals(0x1122_3344_5566_7788L, after.readValue(0x1FFC, 8));
        assertEquals(0, after.readValue(0x3000, 8), "new RAM reads zero");
        GuestRam third = GuestRam.layOut(second.map(), memory, second);
        assertEquals(second.blocks().hostStart(0), third.blocks().hostStart(0), "an unchanged region keeps its block");
    }

    @Test
    void monitorViewSpansRegionsAndRejectsHoles() {
        GuestRam ram = ram(new MemoryMap(List.of(new MemoryMap.Region(0, 0x1000), new MemoryMap.Region(0x1000, 0x1000))));
        RamGuestMemory view = new RamGuestMemory(() -> ram);
        view.writeValue(0xFFE, 4, 0xAABBCCDDL);
        assertEquals(0xAABBCCDDL, view.readValue(0xFFE, 4));
        assertTrue(view.isRam(0x1FFF));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> view.readValue(0x2000, 1));
        assertTrue(e.getMessage().contains("0x2000"));
    }

    private long leafSlot(long root, long gpa) {
        long table = root;
        for (int shift = 39; shift >= 12; shift -= 9) {
            long slot = (table & NptEntry.ADDRESS) + ((gpa >>> shift) & 0x1FF) * 8;
            if (shift == 12) {
                return slot;
            }
            table = memory.read64(slot);
        }
        throw new AssertionError();
    }
}
