package dev.hve.vmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hve.api.Event;
import dev.hve.api.Register;
import dev.hve.api.VmExit;
import dev.hve.vmx.controls.EntryControls;
import dev.hve.vmx.controls.ProcessorControls;
import dev.hve.vmx.exit.ExitReason;
import dev.hve.vmx.vmcs.VmcsField;
import org.junit.jupiter.api.Test;

/** 64-bit guests (IA-32e mode entry, CR8 exiting) and NMIs (virtual NMIs, NMI-window exiting). */
class ModeAndNmiTest {

    @Test
    void sixtyFourBitGuestEntersAndReportsEightByteAddressSize() {
        Guest g = new Guest().long64(0xE6, 0x80, 0xF4).intercept(true, 0); // out 80h,al; hlt
        VmExit.PortIo io = assertInstanceOf(VmExit.PortIo.class, g.vcpu.run(100));
        assertEquals(8, io.addressSize());
        assertTrue((g.field(VmcsField.VM_ENTRY_CONTROLS) & EntryControls.IA32E_MODE_GUEST) != 0);
        assertEquals(0x500, g.field(VmcsField.GUEST_IA32_EFER) & 0x500);
        g.vcpu.completeInstruction();
        assertInstanceOf(VmExit.Hlt.class, g.vcpu.run(100));
    }

    @Test
    void sixtyFourBitCodeSegmentWithDSetIsAnEntryFailure() {
        Guest g = new Guest().long64(0xF4).intercept(true, 0);
        g.setBits(VmcsField.GUEST_CS_AR_BYTES, 1 << 14);
        assertEquals(ExitReason.VM_ENTRY_FAILURE | ExitReason.INVALID_GUEST_STATE, g.enter(100));
        assertTrue(g.vcpu.processor().lastEntryFailure().contains("CS.L and CS.D"));
    }

    @Test
    void nonCanonicalRipIn64BitModeIsAnEntryFailure() {
        Guest g = new Guest().long64(0xF4).intercept(true, 0);
        g.vcpu.setRegister(Register.RIP, 0x0000_8000_0000_0000L);
        assertEquals(ExitReason.VM_ENTRY_FAILURE | ExitReason.INVALID_GUEST_STATE, g.enter(100));
        assertTrue(g.vcpu.processor().lastEntryFailure().contains("canonical"));
    }

    @Test
    void paePagingSavesThePdptesAndEntryChecksThem() {
        // PAE paging: PDPT at 5000h, PDPTE0 -> PD at 6000h with a 2 MiB identity page. Code: nop; hlt
        Guest g = new Guest().flat32(0x90, 0xF4).intercept(true, 0);
        g.vm.memory().writeValue(0x5000, 8, 0x6001);
        g.vm.memory().writeValue(0x6000, 8, 0x83);
        g.vcpu.setRegister(Register.CR3, 0x5000);
        g.vcpu.setRegister(Register.CR4, 0x20);
        g.vcpu.setRegister(Register.CR0, 0x8000_0011L);
        assertInstanceOf(VmExit.Hlt.class, g.vcpu.run(100));
        assertEquals(0x6001, g.field(VmcsField.GUEST_PDPTE0));
        assertEquals(0, g.field(VmcsField.GUEST_PDPTE1));
        g.set(VmcsField.GUEST_PDPTE1, 0x7001 | (1 << 5));
        assertEquals(ExitReason.VM_ENTRY_FAILURE | ExitReason.INVALID_GUEST_STATE, g.enter(100));
        assertTrue(g.vcpu.processor().lastEntryFailure().contains("PDPTE1"));
    }

    @Test
    void cr8LoadAndStoreExiting() {
        Guest load = new Guest().long64(0x44, 0x0F, 0x22, 0xC0).intercept(true, 0); // mov cr8,rax
        load.setBits(VmcsField.CPU_BASED_VM_EXEC_CONTROL, ProcessorControls.CR8_LOAD_EXITING);
        assertEquals(ExitReason.CR_ACCESS, load.enter(100));
        assertEquals(0x8L, load.field(VmcsField.EXIT_QUALIFICATION), "CR8, MOV to CR, RAX");
        Guest store = new Guest().long64(0x4C, 0x0F, 0x20, 0xC3).intercept(true, 0); // mov rbx,cr8 (REX.WR)
        store.setBits(VmcsField.CPU_BASED_VM_EXEC_CONTROL, ProcessorControls.CR8_STORE_EXITING);
        assertEquals(ExitReason.CR_ACCESS, store.enter(100));
        assertEquals(0x318L, store.field(VmcsField.EXIT_QUALIFICATION), "CR8, MOV from CR, RBX");
    }

    @Test
    void injectedNmiBlocksFurtherNmisUntilIret() {
        // handler: out 80h,al; iret ... main: hlt
        Guest g = new Guest().flat32(0xF4).gate(2, 0x1100).at(0x1100, 0xE6, 0x80, 0xCF).intercept(true, 0);
        g.vcpu.inject(new Event.Nmi());
        assertInstanceOf(VmExit.PortIo.class, g.vcpu.run(100));
        assertEquals(1 << 3, g.field(VmcsField.GUEST_INTERRUPTIBILITY_INFO) & (1 << 3), "blocking by NMI");
        // A second NMI while the first handler runs: the backend holds it for the NMI window.
        g.vcpu.inject(new Event.Nmi());
        g.vcpu.completeInstruction();
        assertInstanceOf(VmExit.PortIo.class, g.vcpu.run(100), "delivered after the IRET");
        assertEquals(0x1100, g.vcpu.register(Register.RIP));
        assertEquals(Guest.CODE, g.vm.memory().readValue(Guest.STACK - 12, 4), "the IRET had returned to the HLT");
        assertEquals(2, g.vcpu.retiredInstructions(), "OUT completed by the monitor, IRET retired");
    }

    @Test
    void nmiInjectedInAnStiShadowWaitsForTheShadowToEnd() {
        // sti; nop; hlt -- with IF clear at entry, the NMI is injected while the STI shadow is active
        Guest g = new Guest().flat32(0xFB, 0x90, 0xF4).gate(2, 0x1100).at(0x1100, 0xE6, 0x80).intercept(true, 0);
        g.vcpu.setRegister(Register.RFLAGS, 0x202);
        g.set(VmcsField.GUEST_INTERRUPTIBILITY_INFO, 1); // blocking by STI
        g.vcpu.inject(new Event.Nmi());
        assertInstanceOf(VmExit.PortIo.class, g.vcpu.run(100), "no entry failure");
        assertEquals(Guest.CODE + 1, g.vm.memory().readValue(Guest.STACK - 12, 4), "delivered after one instruction");
    }

    @Test
    void iretMeetingAnEptViolationWhileUnblockingNmisSetsBit12() {
        // The NMI handler's IRET pops from an MMIO stack: the violation reports NMI unblocking due to IRET.
        Guest g = new Guest().flat32(0xF4).gate(2, 0x1100).at(0x1100, 0xBC, 0x00, 0x01, 0xE0, 0xFE, 0xCF)
            .intercept(true, 0); // handler: mov esp,FEE00100h; iret
        g.vcpu.inject(new Event.Nmi());
        VmExit.MmioAccess mmio = assertInstanceOf(VmExit.MmioAccess.class, g.vcpu.run(100));
        assertEquals(0xFEE0_0100L, mmio.guestPhysicalAddress());
        long q = g.field(VmcsField.EXIT_QUALIFICATION);
        assertEquals(1L << 12, q & (1L << 12), "NMI unblocking due to IRET");
        assertEquals(1 << 3, g.field(VmcsField.GUEST_INTERRUPTIBILITY_INFO) & (1 << 3), "blocking by NMI kept");
        // An ordinary read in the same handler position without NMI blocking: bit 12 clear.
        Guest h = new Guest().flat32(0xBC, 0x00, 0x01, 0xE0, 0xFE, 0xCF).intercept(true, 0);
        assertInstanceOf(VmExit.MmioAccess.class, h.vcpu.run(100));
        assertEquals(0, h.field(VmcsField.EXIT_QUALIFICATION) & (1L << 12));
    }

    @Test
    void sysenterMsrsTravelThroughTheGuestStateArea() {
        // mov ecx,175h; rdmsr; hlt  (IA32_SYSENTER_ESP, not intercepted)
        Guest g = new Guest().flat32(0xB9, 0x75, 0x01, 0, 0, 0x0F, 0x32, 0xF4)
            .intercept(new dev.hve.api.InterceptConfig(new java.util.BitSet(), java.util.Set.of(), 0, true, true, false, false));
        g.set(VmcsField.GUEST_SYSENTER_ESP, 0x1234_5678L);
        assertInstanceOf(VmExit.Hlt.class, g.vcpu.run(100));
        assertEquals(0x1234_5678L, g.vcpu.register(Register.RAX));
        // mov ecx,176h; xor edx,edx; mov eax,9999h; wrmsr; hlt
        Guest h = new Guest().flat32(0xB9, 0x76, 0x01, 0, 0, 0x31, 0xD2, 0xB8, 0x99, 0x99, 0, 0, 0x0F, 0x30, 0xF4)
            .intercept(new dev.hve.api.InterceptConfig(new java.util.BitSet(), java.util.Set.of(), 0, true, true, false, false));
        assertInstanceOf(VmExit.Hlt.class, h.vcpu.run(100));
        assertEquals(0x9999, h.field(VmcsField.GUEST_SYSENTER_EIP));
    }
}
