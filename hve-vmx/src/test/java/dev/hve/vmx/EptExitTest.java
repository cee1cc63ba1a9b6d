package dev.hve.vmx;

import static dev.hve.vmx.vmcs.VmcsField.EXIT_QUALIFICATION;
import static dev.hve.vmx.vmcs.VmcsField.GUEST_LINEAR_ADDRESS;
import static dev.hve.vmx.vmcs.VmcsField.GUEST_PHYSICAL_ADDRESS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hve.api.MemoryMap;
import dev.hve.api.Register;
import dev.hve.api.VmExit;
import dev.hve.vmx.ept.EptBuilder;
import dev.hve.vmx.ept.EptEntry;
import dev.hve.vmx.ept.EptPointer;
import dev.hve.vmx.exit.ExitQualification;
import dev.hve.vmx.exit.ExitReason;
import dev.hve.vmx.vmcs.VmcsField;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * EPT violations (48) and misconfigurations (49) from guest code, with the qualification bits of
 * Intel SDM Vol. 3C Table 28-7: access (0 read, 1 write, 2 fetch), the effective R/W/X
 * permissions (3-5), guest-linear address valid (7) and final translation (8).
 */
class EptExitTest {

    private static Guest guest(int... code) {
        return new Guest().flat32(code).intercept(true, 0);
    }

    /** Remaps the guest's RAM with 4 KiB pages, giving {@code page} only {@code permissions}. */
    private static void restrict(Guest g, long page, long permissions) {
        long ram = g.vm.ram().blocks().hostStart(0);
        EptBuilder ept = new EptBuilder(g.vm.hostMemory(), false).map(0, ram, 2L << 20);
        long pte = ept.entryFor(page, 1);
        g.vm.hostMemory().write64(pte, EptEntry.leaf(ram + page, permissions, EptEntry.WB, false));
        g.set(VmcsField.EPT_POINTER, EptPointer.of(ept.pml4(), false));
    }

    @Test
    void readOfUnbackedAddressIsAnMmioExit() {
        Guest g = guest(0xA1, 0x00, 0x00, 0xE0, 0xFE); // mov eax,[FEE00000h]
        assertEquals(ExitReason.EPT_VIOLATION, g.enter(100));
        long q = g.field(EXIT_QUALIFICATION);
        assertEquals(ExitQualification.EPT_READ, q & 7);
        assertEquals(0, q & 0x38, "no permission: not present");
        assertTrue((q & ExitQualification.EPT_LINEAR_VALID) != 0);
        assertTrue((q & ExitQualification.EPT_FINAL_TRANSLATION) != 0);
        assertEquals(0x181L, q);
        assertEquals(0xFEE0_0000L, g.field(GUEST_PHYSICAL_ADDRESS));
        assertEquals(0xFEE0_0000L, g.field(GUEST_LINEAR_ADDRESS));

        Guest m = guest(0xA1, 0x00, 0x00, 0xE0, 0xFE);
        VmExit.MmioAccess mmio = assertInstanceOf(VmExit.MmioAccess.class, m.vcpu.run(100));
        assertEquals(0xFEE0_0000L, mmio.guestPhysicalAddress());
        assertFalse(mmio.write());
        assertFalse(mmio.fetch());
        assertArrayEquals(new byte[0], mmio.instructionBytes(), "VT-x supplies no instruction bytes");
        assertEquals(Guest.CODE, m.vcpu.register(Register.RIP), "the exit leaves RIP at the instruction");
        byte[] bytes = new byte[5];
        assertEquals(5, m.vcpu.readLinear(Guest.CODE, bytes, 5), "the monitor fetches the bytes itself");
        assertEquals((byte) 0xA1, bytes[0]);
    }

    /**
     * A monitor that emulated the exiting access completes it with the next RIP it computed (an
     * EPT violation reports no instruction length): the STI blocking that covered it ends, and it
     * counts as retired like an instruction completed with the exit's length.
     */
    @Test
    void emulatedAccessIsCompletedAtTheMonitorsNextRip() {
        Guest g = guest(0xFB, 0xA3, 0x10, 0x00, 0xE0, 0xFE, 0xF4); // sti; mov [FEE00010h],eax; hlt
        g.vcpu.setRegister(Register.RFLAGS, 0x2);
        assertInstanceOf(VmExit.MmioAccess.class, g.vcpu.run(100));
        assertEquals(1, g.field(VmcsField.GUEST_INTERRUPTIBILITY_INFO) & 3, "the store sits in STI's shadow");
        long retired = g.vcpu.retiredInstructions();
        g.vcpu.completeEmulatedInstruction(Guest.CODE + 6);
        assertEquals(Guest.CODE + 6, g.vcpu.register(Register.RIP));
        assertEquals(0, g.field(VmcsField.GUEST_INTERRUPTIBILITY_INFO) & 3, "blocking by STI ends with the instruction");
        assertEquals(retired + 1, g.vcpu.retiredInstructions());
        assertInstanceOf(VmExit.Hlt.class, g.vcpu.run(100));
    }

    @Test
    void writeAndFetchAccessBits() {
        Guest w = guest(0xA3, 0x10, 0x00, 0xE0, 0xFE); // mov [FEE00010h],eax
        assertEquals(ExitReason.EPT_VIOLATION, w.enter(100));
        assertEquals(0x182L, w.field(EXIT_QUALIFICATION));
        assertTrue(assertInstanceOf(VmExit.MmioAccess.class, guest(0xA3, 0x10, 0x00, 0xE0, 0xFE).vcpu.run(100)).write());

        // mov eax,FEE00000h; jmp eax
        Guest f = guest(0xB8, 0x00, 0x00, 0xE0, 0xFE, 0xFF, 0xE0);
        assertEquals(ExitReason.EPT_VIOLATION, f.enter(100));
        assertEquals(0x184L, f.field(EXIT_QUALIFICATION) & 0x1BF, "instruction fetch");
        assertTrue(assertInstanceOf(VmExit.MmioAccess.class, guest(0xB8, 0x00, 0x00, 0xE0, 0xFE, 0xFF, 0xE0).vcpu.run(100)).fetch());
    }

    @Test
    void permissionViolationReportsTheEffectivePermissions() {
        // mov [3000h],eax on a page mapped read+execute
        Guest g = guest(0xA3, 0x00, 0x30, 0x00, 0x00);
        restrict(g, 0x3000, EptEntry.READ | EptEntry.EXECUTE);
        assertEquals(ExitReason.EPT_VIOLATION, g.enter(100));
        long q = g.field(EXIT_QUALIFICATION);
        assertEquals(ExitQualification.EPT_WRITE, q & 7);
        assertEquals(ExitQualification.EPT_READABLE | ExitQualification.EPT_EXECUTABLE, q & 0x38);
        assertEquals(0x1AAL, q);
        assertEquals(0x3000, g.field(GUEST_PHYSICAL_ADDRESS));
    }

    @Test
    void pagingStructureAccessClearsTheFinalTranslationBit() {
        // Paging with CR3 at 4000h, whose page is not readable: the page walk itself violates.
        Guest g = guest(0x0F, 0x20, 0xC0, 0x0D, 0x00, 0x00, 0x00, 0x80, 0x0F, 0x22, 0xC0, 0xF4);
        // mov eax,cr0; or eax,80000000h; mov cr0,eax; hlt -- paging on with CR3 = 4000h, PSE 4 MiB identity
        g.vm.memory().writeValue(0x4000, 4, 0x83);
        g.vcpu.setRegister(Register.CR3, 0x4000);
        g.vcpu.setRegister(Register.CR4, 1 << 4);
        restrict(g, 0x4000, EptEntry.EXECUTE);
        assertEquals(ExitReason.EPT_VIOLATION, g.enter(100));
        long q = g.field(EXIT_QUALIFICATION);
        assertEquals(0x4000, g.field(GUEST_PHYSICAL_ADDRESS) & ~0xFFFL);
        assertTrue((q & ExitQualification.EPT_LINEAR_VALID) != 0);
        assertEquals(0, q & ExitQualification.EPT_FINAL_TRANSLATION, "the access was to a guest paging-structure entry");
        assertEquals(ExitQualification.EPT_EXECUTABLE, q & 0x38);
    }

    @Test
    void misconfiguredEntryIsExit49WithTheGuestPhysicalAddress() {
        Guest g = guest(0xA1, 0x00, 0x30, 0x00, 0x00); // mov eax,[3000h]
        restrict(g, 0x3000, EptEntry.WRITE);
        assertEquals(ExitReason.EPT_MISCONFIG, g.enter(100));
        assertEquals(0x3000, g.field(GUEST_PHYSICAL_ADDRESS));
    }

    @Test
    void replacingTheMemoryMapKeepsRamContentsAndSwitchesEptAtOnce() {
        Guest g = guest(0xA1, 0x00, 0x00, 0x30, 0x00, 0xF4); // mov eax,[300000h]; hlt
        g.vm.memory().writeValue(0x100, 4, 0xCAFE);
        assertInstanceOf(VmExit.MmioAccess.class, g.vcpu.run(100), "3 MiB is beyond RAM");
        g.vm.setMemoryMap(new MemoryMap(List.of(new MemoryMap.Region(0, 4L << 20))));
        assertEquals(0xCAFE, g.vm.memory().readValue(0x100, 4), "RAM that stays keeps its contents");
        g.vm.memory().writeValue(0x30_0000, 4, 0x1234);
        assertInstanceOf(VmExit.Hlt.class, g.vcpu.run(100));
        assertEquals(0x1234, g.vcpu.register(Register.RAX));
        assertTrue(g.vm.memory().isRam(0x3F_FFFF));
        assertFalse(g.vm.memory().isRam(0x40_0000));
    }
}
