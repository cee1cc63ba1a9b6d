package dev.hve.svm.guest;

import static dev.hve.svm.guest.GuestHarness.CODE;
import static dev.hve.svm.guest.GuestHarness.STACK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.hve.api.DescriptorTable;
import dev.hve.api.Event;
import dev.hve.api.Register;
import dev.hve.api.VmExit;
import dev.hve.svm.vmcb.VmcbLayout;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** EVENTINJ (AMD APM Vol. 2, §15.20) for each event type, and re-injection after EXITINTINFO. */
class InjectionTest {

    private static final long HANDLER = 0x1800;

    /** jmp $ ; every vector's handler at 0x1800 does: out 0x80, al. */
    private static GuestHarness guest(int... vectors) {
        GuestHarness g = new GuestHarness(0xEB, 0xFE);
        g.vm.memory().write(HANDLER, new byte[] {(byte) 0xE6, (byte) 0x80}, 0, 2);
        for (int v : vectors) {
            g.gate(v, HANDLER);
        }
        return g;
    }

    private static long stack(GuestHarness g, int slot) {
        return g.vm.memory().readValue(STACK - 4L * slot, 4);
    }

    @Test
    void exceptionWithErrorCodeIsPushed() {
        GuestHarness g = guest(13);
        g.vcpu.inject(new Event.HardwareException(13, 0x1234));
        assertEquals(0x1234L << 32 | 1L << 31 | 1 << 11 | 3 << 8 | 13, g.vcpu.vmcb().read64(VmcbLayout.EVENTINJ));
        assertInstanceOf(VmExit.PortIo.class, g.vcpu.run(10));
        assertEquals(CODE, stack(g, 3), "EIP of the faulting instruction");
        assertEquals(0x1234, stack(g, 4), "error code on top");
        assertEquals(STACK - 16, g.vcpu.register(Register.RSP));
    }

    @Test
    void nmiUsesVector2() {
        GuestHarness g = guest(2);
        g.vcpu.inject(new Event.Nmi());
        VmExit.PortIo io = assertInstanceOf(VmExit.PortIo.class, g.vcpu.run(10));
        assertEquals(0x80, io.port());
        assertEquals(CODE, stack(g, 3));
    }

    @Test
    void softwareInterruptReturnsToNrip() {
        GuestHarness g = guest(0x30);
        g.vcpu.inject(new Event.SoftwareInterrupt(0x30, 2));
        assertInstanceOf(VmExit.PortIo.class, g.vcpu.run(10));
        assertEquals(CODE + 2, stack(g, 3), "return address = nRIP = RIP + 2");
    }

    @Test
    void interruptedSoftwareInterruptIsReinjectedWithItsLength() {
        GuestHarness g = guest(0x30);
        g.intercepts(GuestHarness.config(GuestHarness.allPorts(), Set.of(), 1 << 13, false, true, false, false));
        g.vcpu.setIdtr(new DescriptorTable(GuestHarness.IDT, 0x100)); // vector 0x30 lies beyond the limit
        g.vcpu.inject(new Event.SoftwareInterrupt(0x30, 2));
        VmExit.Exception gp = assertInstanceOf(VmExit.Exception.class, g.vcpu.run(10));
        assertEquals(0x30 << 3 | 2, gp.errorCode(), "IDT bit, not EXT: INTn is a software event");
        assertEquals(1L << 31 | 4 << 8 | 0x30, g.vcpu.lastExitRecord().fields().get("exitintinfo"));
        g.vcpu.setIdtr(new DescriptorTable(GuestHarness.IDT, 0x3FF));
        VmExit.PortIo io = assertInstanceOf(VmExit.PortIo.class, g.vcpu.run(10));
        assertEquals(0x80, io.port());
        assertEquals(CODE + 2, stack(g, 3), "re-injected INTn still returns past itself");
    }

    @Test
    void interruptedInt3IsReExecutedNotReinjected() {
        // int3 ; with the IDT too short for vector 3 and #GP intercepted
        GuestHarness g = new GuestHarness(0xCC, 0xEB, 0xFE);
        g.vm.memory().write(HANDLER, new byte[] {(byte) 0xE6, (byte) 0x80}, 0, 2);
        g.gate(3, HANDLER);
        g.intercepts(GuestHarness.config(GuestHarness.allPorts(), Set.of(), 1 << 13, false, true, false, false));
        g.vcpu.setIdtr(new DescriptorTable(GuestHarness.IDT, 0x17));
        VmExit.Exception gp = assertInstanceOf(VmExit.Exception.class, g.vcpu.run(10));
        assertEquals(3 << 3 | 2, gp.errorCode());
        assertEquals(1L << 31 | 3 << 8 | 3, g.vcpu.lastExitRecord().fields().get("exitintinfo"), "TYPE 3, vector 3");
        assertEquals(CODE, g.rip(), "RIP at the INT3");
        assertEquals(0, g.vcpu.vmcb().read64(VmcbLayout.EVENTINJ), "not re-injected: INT3 runs again");
        g.vcpu.setIdtr(new DescriptorTable(GuestHarness.IDT, 0x3FF));
        assertInstanceOf(VmExit.PortIo.class, g.vcpu.run(10));
        assertEquals(CODE + 1, stack(g, 3), "the trap returns past the INT3, once");
        assertEquals(STACK - 12, g.vcpu.register(Register.RSP));
    }

    @Test
    void monitorInjectionWaitsBehindAReinjection() {
        GuestHarness g = guest(0x20, 0x21);
        g.intercepts(GuestHarness.config(GuestHarness.allPorts(), Set.of(), 1 << 13, false, true, false, false));
        g.vcpu.setIdtr(new DescriptorTable(GuestHarness.IDT, 0x100));
        g.vcpu.inject(new Event.ExternalInterrupt(0x20));
        assertTrue(g.vcpu.eventPending(), "injected, not yet delivered");
        assertInstanceOf(VmExit.Exception.class, g.vcpu.run(10));
        assertTrue(g.vcpu.eventPending(), "the exit cut the delivery short: the backend re-injects 0x20");
        assertThrows(IllegalStateException.class, () -> g.vcpu.inject(new Event.SoftwareInterrupt(0x22, 2)),
            "an INTn's length is for the instruction at RIP now; it cannot wait behind the re-injection");
        g.vcpu.setIdtr(new DescriptorTable(GuestHarness.IDT, 0x3FF));
        g.vcpu.inject(new Event.ExternalInterrupt(0x21)); // queued behind the re-injected 0x20
        assertEquals(0x20, g.vcpu.vmcb().read64(VmcbLayout.EVENTINJ) & 0xFF);
        assertInstanceOf(VmExit.PortIo.class, g.vcpu.run(10));
        assertEquals(STACK - 12, g.vcpu.register(Register.RSP), "0x20 delivered first");
        g.vcpu.completeInstruction();
        assertInstanceOf(VmExit.PortIo.class, g.vcpu.run(10));
        assertEquals(STACK - 24, g.vcpu.register(Register.RSP), "then 0x21, nested in the first handler");
        assertEquals(HANDLER + 2, stack(g, 6), "interrupted after the first handler's OUT");
        assertFalse(g.vcpu.eventPending(), "both delivered");
    }

    @Test
    void injectionWakesAHaltedGuest() {
        // sti ; hlt ; with HLT not intercepted the guest halts inside the core
        GuestHarness g = new GuestHarness(0xFB, 0xF4, 0xEB, 0xFE);
        g.vm.memory().write(HANDLER, new byte[] {(byte) 0xE6, (byte) 0x80}, 0, 2);
        g.gate(0x20, HANDLER);
        g.intercepts(GuestHarness.config(GuestHarness.allPorts(), Set.of(), 0, false, false, false, false));
        assertInstanceOf(VmExit.Preempted.class, g.vcpu.run(10));
        assertEquals(CODE + 2, g.rip());
        assertInstanceOf(VmExit.Preempted.class, g.vcpu.run(10), "still halted: the backend re-enters it halted");
        assertEquals(CODE + 2, g.rip());
        g.vcpu.inject(new Event.ExternalInterrupt(0x20));
        assertInstanceOf(VmExit.PortIo.class, g.vcpu.run(10));
        assertEquals(CODE + 2, stack(g, 3), "returns after the HLT");
    }

    @Test
    void noExceptionInterceptForInjectedEvents() {
        GuestHarness g = guest(6);
        g.intercepts(GuestHarness.config(GuestHarness.allPorts(), Set.of(), 1 << 6, false, true, false, false));
        g.vcpu.inject(new Event.HardwareException(6, null));
        assertInstanceOf(VmExit.PortIo.class, g.vcpu.run(10), "the guest's #UD handler ran");
        assertEquals(0, g.vcpu.vmcb().read64(VmcbLayout.EVENTINJ));
    }
}
