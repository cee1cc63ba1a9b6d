package dev.hve.vmx;

import static dev.hve.vmx.vmcs.VmcsField.EXIT_QUALIFICATION;
import static dev.hve.vmx.vmcs.VmcsField.IDT_VECTORING_ERROR_CODE;
import static dev.hve.vmx.vmcs.VmcsField.IDT_VECTORING_INFO_FIELD;
import static dev.hve.vmx.vmcs.VmcsField.VM_EXIT_INTR_ERROR_CODE;
import static dev.hve.vmx.vmcs.VmcsField.VM_EXIT_INTR_INFO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hve.api.DescriptorTable;
import dev.hve.api.Event;
import dev.hve.api.Register;
import dev.hve.api.VmExit;
import dev.hve.vmx.exit.ExitReason;
import dev.hve.vmx.exit.InterruptionInfo;
import dev.hve.vmx.vmcs.VmcsField;
import org.junit.jupiter.api.Test;

/**
 * Exception exits with VM-exit interruption information (Intel SDM Vol. 3C §28.2.2), triple
 * faults, event injection through the VM-entry interruption-information field (§27.6), the
 * IDT-vectoring information of exits during event delivery (§28.2.4) and interrupt windows.
 */
class EventExitTest {

    private static final long HANDLER = 0x1100;

    @Test
    void interceptedUndefinedOpcode() {
        Guest g = new Guest().flat32(0x0F, 0x0B).intercept(true, 1 << 6); // ud2
        VmExit.Exception e = assertInstanceOf(VmExit.Exception.class, g.vcpu.run(100));
        assertEquals(6, e.vector());
        assertFalse(e.hasErrorCode());
        assertEquals(ExitReason.EXCEPTION_NMI, g.vcpu.lastExitRecord().reason());
        assertEquals(0x8000_0306L, g.field(VM_EXIT_INTR_INFO), "valid, hardware exception, vector 6");
        assertEquals(Guest.CODE, g.vcpu.register(Register.RIP));
    }

    @Test
    void interceptedGeneralProtectionCarriesItsErrorCode() {
        // mov ax,28h; mov ds,ax  -- selector beyond the GDT limit: #GP(28h)
        Guest g = new Guest().flat32(0x66, 0xB8, 0x28, 0x00, 0x8E, 0xD8).gate(13, HANDLER).intercept(true, 1 << 13);
        VmExit.Exception e = assertInstanceOf(VmExit.Exception.class, g.vcpu.run(100));
        assertEquals(13, e.vector());
        assertTrue(e.hasErrorCode());
        assertEquals(0x28, e.errorCode());
        assertEquals(0x8000_0B0DL, g.field(VM_EXIT_INTR_INFO), "valid, error code, hardware exception, vector 13");
        assertEquals(0x28, g.field(VM_EXIT_INTR_ERROR_CODE));
    }

    @Test
    void int3IsASoftwareExceptionWithItsLength() {
        Guest g = new Guest().flat32(0xCC).intercept(true, 1 << 3);
        assertInstanceOf(VmExit.Exception.class, g.vcpu.run(100));
        assertEquals(0x8000_0603L, g.field(VM_EXIT_INTR_INFO), "type 6: software exception");
        assertEquals(1, g.field(VmcsField.VM_EXIT_INSTRUCTION_LEN));
    }

    /** Paging with a 4 MiB identity page at 0 (CR4.PSE); 400000h and above are not present. */
    private static Guest paged(int... code) {
        Guest g = new Guest().flat32(code);
        g.vm.memory().writeValue(0x4000, 4, 0x83);
        g.vcpu.setRegister(Register.CR3, 0x4000);
        g.vcpu.setRegister(Register.CR4, 1 << 4);
        g.vcpu.setRegister(Register.CR0, 0x8000_0011L);
        return g;
    }

    @Test
    void pageFaultExitUsesTheErrorCodeMaskAndMatch() {
        int[] code = {0xA1, 0x00, 0x00, 0x40, 0x00}; // mov eax,[400000h]: #PF, error code 0 (read, not present)
        Guest g = paged(code).intercept(true, 1 << 14);
        VmExit.Exception e = assertInstanceOf(VmExit.Exception.class, g.vcpu.run(100));
        assertEquals(14, e.vector());
        assertEquals(0x40_0000L, e.faultAddress());
        assertEquals(0x40_0000L, g.field(EXIT_QUALIFICATION), "the qualification is the faulting address");
        assertEquals(0, g.vcpu.register(Register.CR2), "CR2 is not loaded by an intercepted #PF");

        // Bit 14 set, but the error code (0) does not match mask P with match P: no exit.
        Guest h = paged(code).intercept(true, 1 << 14);
        h.set(VmcsField.PAGE_FAULT_ERROR_CODE_MASK, 1);
        h.set(VmcsField.PAGE_FAULT_ERROR_CODE_MATCH, 1);
        assertEquals(ExitReason.TRIPLE_FAULT, h.enter(100), "the guest took the #PF itself (and had no IDT)");

        // Bit 14 clear and no match: the rule inverts, the #PF exits.
        Guest k = paged(code).intercept(true, 0);
        k.set(VmcsField.PAGE_FAULT_ERROR_CODE_MASK, 1);
        k.set(VmcsField.PAGE_FAULT_ERROR_CODE_MATCH, 1);
        assertEquals(ExitReason.EXCEPTION_NMI, k.enter(100));
        assertEquals(0x8000_0B0EL, k.field(VM_EXIT_INTR_INFO));
        assertEquals(0, k.field(VM_EXIT_INTR_ERROR_CODE));
    }

    @Test
    void singleStepDebugExceptionReportsBsInTheQualification() {
        // pushfd; or dword [esp],100h; popfd; nop  -- TF set by POPF: #DB after the NOP
        Guest g = new Guest().flat32(0x9C, 0x81, 0x0C, 0x24, 0x00, 0x01, 0x00, 0x00, 0x9D, 0x90, 0x90)
            .intercept(true, 1 << 1);
        VmExit.Exception e = assertInstanceOf(VmExit.Exception.class, g.vcpu.run(100));
        assertEquals(1, e.vector());
        assertEquals(1L << 14, g.field(EXIT_QUALIFICATION) & (1L << 14), "BS");
        assertEquals(0x8000_0301L, g.field(VM_EXIT_INTR_INFO));
    }

    @Test
    void tripleFaultIsAShutdown() {
        Guest g = new Guest().flat32(0x0F, 0x0B).intercept(true, 0); // ud2 with an empty IDT
        VmExit.Shutdown shutdown = assertInstanceOf(VmExit.Shutdown.class, g.vcpu.run(100));
        assertTrue(shutdown.reason().contains("triple fault"));
        assertEquals(ExitReason.TRIPLE_FAULT, g.vcpu.lastExitRecord().reason());
    }

    @Test
    void injectedExternalInterruptIsDeliveredThroughTheIdt() {
        // sti; nop; hlt ... handler: out 80h,al
        Guest g = new Guest().flat32(0xFB, 0x90, 0xF4).gate(0x20, HANDLER).at(HANDLER, 0xE6, 0x80).intercept(true, 0);
        g.vcpu.setRegister(Register.RFLAGS, 0x202);
        assertTrue(g.vcpu.interruptible());
        g.vcpu.inject(new Event.ExternalInterrupt(0x20));
        assertFalse(g.vcpu.interruptible(), "an event is pending");
        VmExit.PortIo io = assertInstanceOf(VmExit.PortIo.class, g.vcpu.run(100));
        assertEquals(0x80, io.port());
        assertEquals(HANDLER, g.vcpu.register(Register.RIP));
        assertEquals(Guest.STACK - 12, g.vcpu.register(Register.RSP), "EFLAGS, CS, EIP pushed");
        assertEquals(Guest.CODE, g.vm.memory().readValue(Guest.STACK - 12, 4), "return to the interrupted instruction");
        assertEquals(0, g.field(VmcsField.VM_ENTRY_INTR_INFO_FIELD) >>> 31, "VM exit cleared the valid bit");
    }

    @Test
    void injectedSoftwareInterruptReturnsPastTheInstruction() {
        Guest g = new Guest().flat32(0xCD, 0x21, 0xF4).gate(0x21, HANDLER).at(HANDLER, 0xE6, 0x80).intercept(true, 0);
        g.vcpu.inject(new Event.SoftwareInterrupt(0x21, 2));
        assertInstanceOf(VmExit.PortIo.class, g.vcpu.run(100));
        assertEquals(Guest.CODE + 2, g.vm.memory().readValue(Guest.STACK - 12, 4));
    }

    @Test
    void injectedHardwareExceptionPushesItsErrorCode() {
        Guest g = new Guest().flat32(0xF4).gate(13, HANDLER).at(HANDLER, 0xE6, 0x80).intercept(true, 0);
        g.vcpu.inject(new Event.HardwareException(13, 0x18));
        assertInstanceOf(VmExit.PortIo.class, g.vcpu.run(100));
        assertEquals(0x18, g.vm.memory().readValue(Guest.STACK - 16, 4));
        assertEquals(InterruptionInfo.encode(13, InterruptionInfo.TYPE_HARDWARE_EXCEPTION, true) & 0x7FFF_FFFFL,
            g.field(VmcsField.VM_ENTRY_INTR_INFO_FIELD), "the field kept the event, valid bit cleared");
    }

    @Test
    void exitDuringDeliveryRecordsIdtVectoringAndTheBackendReinjects() {
        // The stack is MMIO: delivery of the injected interrupt exits on its first push.
        Guest g = new Guest().flat32(0xF4).gate(0x20, HANDLER).at(HANDLER, 0xE6, 0x80).intercept(true, 0);
        g.vcpu.setRegister(Register.RFLAGS, 0x202);
        g.vcpu.setRegister(Register.RSP, 0xFEE0_0100L);
        g.vcpu.inject(new Event.ExternalInterrupt(0x20));
        VmExit.MmioAccess mmio = assertInstanceOf(VmExit.MmioAccess.class, g.vcpu.run(100));
        assertTrue(mmio.write());
        assertEquals(0x8000_0020L, g.vcpu.lastExitRecord().fields().get("idt_vectoring_info"));
        assertEquals(0x8000_0020L, g.field(IDT_VECTORING_INFO_FIELD));
        assertTrue(g.vcpu.eventPending(), "the backend re-injects the interrupted event");
        assertThrows(IllegalStateException.class, () -> g.vcpu.inject(new Event.SoftwareInterrupt(0x21, 2)),
            "an INTn's length is for the instruction at RIP now; it cannot wait behind the re-injection");
        // The monitor fixes the stack; the backend re-injects the interrupted event by itself.
        g.vcpu.setRegister(Register.RSP, Guest.STACK);
        assertInstanceOf(VmExit.PortIo.class, g.vcpu.run(100));
        assertEquals(HANDLER, g.vcpu.register(Register.RIP));
        assertFalse(g.vcpu.eventPending(), "delivered");
    }

    @Test
    void guestExceptionInterruptedByAnExitIsRecordedWithItsErrorCode() {
        // #GP(28h) raised by the guest, delivered through a gate whose handler stack is MMIO.
        Guest g = new Guest().flat32(0x66, 0xB8, 0x28, 0x00, 0x8E, 0xD8).gate(13, HANDLER).at(HANDLER, 0xF4)
            .intercept(true, 0);
        g.vcpu.setRegister(Register.RSP, 0xFEE0_0100L);
        assertInstanceOf(VmExit.MmioAccess.class, g.vcpu.run(100));
        assertEquals(InterruptionInfo.encode(13, InterruptionInfo.TYPE_HARDWARE_EXCEPTION, true) & 0xFFFF_FFFFL,
            g.field(IDT_VECTORING_INFO_FIELD));
        assertEquals(0x28, g.field(IDT_VECTORING_ERROR_CODE));
        g.vcpu.setRegister(Register.RSP, Guest.STACK);
        assertInstanceOf(VmExit.Hlt.class, g.vcpu.run(100));
        assertEquals(HANDLER, g.vcpu.register(Register.RIP));
        assertEquals(0x28, g.vm.memory().readValue(Guest.STACK - 16, 4), "re-injected with its error code");
    }

    @Test
    void interruptWindowExitsWhenTheStiShadowEnds() {
        // sti; nop; nop; hlt
        Guest g = new Guest().flat32(0xFB, 0x90, 0x90, 0xF4).intercept(true, 0);
        g.vcpu.requestInterruptWindow(true);
        assertInstanceOf(VmExit.InterruptWindow.class, g.vcpu.run(100));
        assertEquals(ExitReason.INTERRUPT_WINDOW, g.vcpu.lastExitRecord().reason());
        assertEquals(Guest.CODE + 2, g.vcpu.register(Register.RIP), "not before the instruction in the STI shadow");
        assertTrue(g.vcpu.interruptible());
        g.vcpu.requestInterruptWindow(false);
        assertInstanceOf(VmExit.Hlt.class, g.vcpu.run(100));
    }

    @Test
    void interruptWindowOpenAtEntryExitsBeforeAnyInstruction() {
        Guest g = new Guest().flat32(0x90, 0xF4).intercept(true, 0);
        g.vcpu.setRegister(Register.RFLAGS, 0x202);
        g.vcpu.requestInterruptWindow(true);
        assertInstanceOf(VmExit.InterruptWindow.class, g.vcpu.run(100));
        assertEquals(Guest.CODE, g.vcpu.register(Register.RIP));
        assertEquals(0, g.vcpu.retiredInstructions());
    }

    @Test
    void realModeExceptionsReportNoErrorCode() {
        // mov ax,[0FFFFh] with a 16-bit data limit? Use an intercepted #GP from a far access beyond the limit:
        // mov eax,[ffffh] with a32 override reads past the 64 KiB limit: #GP(0), no error code in real mode.
        Guest g = new Guest().real16(0x67, 0x66, 0xA1, 0xFF, 0xFF, 0x00, 0x00).intercept(true, 1 << 13);
        VmExit.Exception e = assertInstanceOf(VmExit.Exception.class, g.vcpu.run(100));
        assertEquals(13, e.vector());
        assertFalse(e.hasErrorCode());
        assertEquals(0x8000_030DL, g.field(VM_EXIT_INTR_INFO), "bit 11 clear in real-address mode");
    }

    @Test
    void exceptionInjectedIntoAnUninterceptedHltWakesTheGuest() {
        Guest g = new Guest().flat32(0xF4).gate(6, HANDLER).at(HANDLER, 0xE6, 0x80).intercept(Guest.ports(0x80));
        assertInstanceOf(VmExit.Preempted.class, g.vcpu.run(50));
        assertEquals(1, g.field(VmcsField.GUEST_ACTIVITY_STATE), "halted");
        g.vcpu.inject(new Event.HardwareException(6, null));
        assertInstanceOf(VmExit.PortIo.class, g.vcpu.run(50), "no VM-entry failure: the backend made the guest active");
        assertEquals(Guest.CODE + 1, g.vm.memory().readValue(Guest.STACK - 12, 4), "returns past the HLT");
    }

    @Test
    void realModeInjectionUsesTheIvt() {
        // IVT entry 8 -> 0000:1100; handler: out 80h,al
        Guest g = new Guest().real16(0xF4).at(HANDLER, 0xE6, 0x80).intercept(true, 0);
        g.vm.memory().writeValue(8 * 4, 4, HANDLER);
        g.vcpu.setIdtr(new DescriptorTable(0, 0x3FF));
        g.vcpu.inject(new Event.HardwareException(8, 0));
        assertInstanceOf(VmExit.PortIo.class, g.vcpu.run(100), "#DF without an error code in real mode");
        assertEquals(HANDLER, g.vcpu.register(Register.RIP));
    }
}
