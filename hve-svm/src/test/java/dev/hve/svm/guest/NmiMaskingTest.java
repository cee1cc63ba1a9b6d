package dev.hve.svm.guest;

import static dev.hve.svm.guest.GuestHarness.CODE;
import static dev.hve.svm.guest.GuestHarness.STACK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hve.api.Event;
import dev.hve.api.Register;
import dev.hve.api.VmExit;
import dev.hve.svm.intercept.InterceptBits;
import dev.hve.svm.vmcb.VmcbLayout;
import org.junit.jupiter.api.Test;

/**
 * The backend's software NMI masking (SVM has no NMI window): an NMI injected while the previous
 * NMI's handler runs waits for that handler's IRET, and one injected in an interrupt shadow waits
 * for the shadow to end (difftests finding 6). The VMX backend's NMI-window tests are the
 * reference: the delivery points must be the same.
 */
class NmiMaskingTest {

    private static final long HANDLER = 0x1100;

    /** main code at CODE; the NMI handler at HANDLER: out 80h,al ; iret. */
    private static GuestHarness guest(int... main) {
        GuestHarness g = new GuestHarness(main);
        g.vm.memory().write(HANDLER, new byte[] {(byte) 0xE6, (byte) 0x80, (byte) 0xCF}, 0, 3);
        g.gate(2, HANDLER);
        return g;
    }

    private static long stack(GuestHarness g, int slot) {
        return g.vm.memory().readValue(STACK - 4L * slot, 4);
    }

    private static boolean iretIntercepted(GuestHarness g) {
        return (g.vcpu.vmcb().read32(VmcbLayout.INTERCEPT_VECTOR3) >>> InterceptBits.IRET & 1) != 0;
    }

    @Test
    void aSecondNmiWaitsForTheFirstHandlersIret() {
        GuestHarness g = guest(0xF4); // hlt
        g.vcpu.inject(new Event.Nmi());
        assertInstanceOf(VmExit.PortIo.class, g.vcpu.run(100));
        assertEquals(HANDLER, g.rip());
        assertTrue(iretIntercepted(g), "NMIs are masked: the handler's IRET is intercepted");
        g.vcpu.inject(new Event.Nmi());
        assertEquals(0, g.vcpu.vmcb().read64(VmcbLayout.EVENTINJ), "held, not in EVENTINJ");
        assertFalse(g.vcpu.interruptible(), "a held NMI comes first");
        g.vcpu.completeInstruction();
        assertInstanceOf(VmExit.PortIo.class, g.vcpu.run(100), "delivered after the IRET");
        assertEquals(HANDLER, g.rip());
        assertEquals(CODE, stack(g, 3), "the IRET had returned to the HLT, and the second NMI interrupted it there");
        assertEquals(STACK - 12, g.vcpu.register(Register.RSP), "not nested: the first frame was popped");
        assertEquals(2, g.vcpu.retiredInstructions(), "OUT completed by the monitor, IRET retired");
        assertTrue(iretIntercepted(g), "masked again for the second handler");
    }

    @Test
    void withNoNmiWaitingTheIretUnmasksAndTheGuestRunsOn() {
        GuestHarness g = guest(0xF4); // hlt
        g.vcpu.inject(new Event.Nmi());
        assertInstanceOf(VmExit.PortIo.class, g.vcpu.run(100));
        g.vcpu.completeInstruction();
        assertInstanceOf(VmExit.Hlt.class, g.vcpu.run(100), "IRET back to the HLT, no exit of its own");
        assertEquals(CODE, g.rip());
        assertFalse(iretIntercepted(g), "NMIs unmasked");
        g.vcpu.inject(new Event.Nmi());
        assertEquals(1L << 31 | 2 << 8 | 2, g.vcpu.vmcb().read64(VmcbLayout.EVENTINJ), "unblocked: straight to EVENTINJ");
    }

    @Test
    void anNmiInAnStiShadowWaitsForTheShadowToEnd() {
        // sti ; nop ; hlt -- the NMI arrives while STI's shadow covers the NOP
        GuestHarness g = guest(0xFB, 0x90, 0xF4);
        g.vcpu.setRegister(Register.RFLAGS, 0x202);
        g.vcpu.vmcb().write64(VmcbLayout.INTERRUPT_SHADOW, 1);
        g.vcpu.inject(new Event.Nmi());
        assertEquals(0, g.vcpu.vmcb().read64(VmcbLayout.EVENTINJ), "held while the shadow lasts");
        assertInstanceOf(VmExit.PortIo.class, g.vcpu.run(100));
        assertEquals(CODE + 1, stack(g, 3), "delivered after the one shadowed instruction");
        assertEquals(1, g.vcpu.retiredInstructions());
    }

    @Test
    void aShadowedInstructionThatExitsReachesTheMonitorFirst() {
        // out 80h,al in the shadow: the monitor completes it, which ends the shadow, then the NMI
        GuestHarness g = guest(0xE6, 0x80, 0xF4);
        g.vcpu.vmcb().write64(VmcbLayout.INTERRUPT_SHADOW, 1);
        g.vcpu.inject(new Event.Nmi());
        assertInstanceOf(VmExit.PortIo.class, g.vcpu.run(100));
        assertEquals(CODE, g.rip(), "the guest's own OUT");
        g.vcpu.completeInstruction();
        assertInstanceOf(VmExit.PortIo.class, g.vcpu.run(100));
        assertEquals(HANDLER, g.rip(), "the handler's OUT");
        assertEquals(CODE + 2, stack(g, 3));
    }

    @Test
    void aHeldNmiDoesNotOutliveTheBudget() {
        GuestHarness g = guest(0xF4);
        g.vcpu.inject(new Event.Nmi());
        assertInstanceOf(VmExit.PortIo.class, g.vcpu.run(100));
        g.vcpu.inject(new Event.Nmi());
        g.vcpu.completeInstruction();
        assertInstanceOf(VmExit.Preempted.class, g.vcpu.run(0), "no budget: nothing runs");
        assertEquals(HANDLER + 2, g.rip(), "still at the first handler's IRET");
        assertInstanceOf(VmExit.PortIo.class, g.vcpu.run(100));
        assertEquals(CODE, stack(g, 3), "then the IRET and the held NMI, as before");
    }
}
