package dev.hve.svm.guest;

import static dev.hve.svm.guest.GuestHarness.CODE;
import static dev.hve.svm.guest.GuestHarness.STACK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.hve.api.Event;
import dev.hve.api.VmExit;
import dev.hve.svm.exit.HostEvent;
import dev.hve.svm.exit.SvmExitCode;
import dev.hve.svm.intercept.InterceptBits;
import dev.hve.svm.vmcb.Vmcb;
import dev.hve.svm.vmcb.VmcbLayout;
import org.junit.jupiter.api.Test;

/**
 * Physical events arriving while the guest runs: the INTR, NMI, SMI and INIT intercepts (AMD APM
 * Vol. 2 §15.13; EXITCODE 0x60-0x63), their priority, and EXITINTINFO when one preempts an
 * injected event (§15.7.2).
 */
class HostEventTest {

    private static final long HANDLER = 0x1800;

    /** hlt (intercepted); the handler of vector 0x20 does out 80h,al. */
    private static GuestHarness guest() {
        GuestHarness g = new GuestHarness(0xF4);
        g.vm.memory().write(HANDLER, new byte[] {(byte) 0xE6, (byte) 0x80}, 0, 2);
        g.gate(0x20, HANDLER);
        return g;
    }

    private static void assertExit(GuestHarness g, long exitCode, long exitIntInfo) {
        Vmcb vmcb = g.vcpu.vmcb();
        assertEquals(exitCode, g.vcpu.vmrun(100), "EXITCODE");
        assertEquals(0, vmcb.read64(VmcbLayout.EXITINFO1), "EXITINFO1");
        assertEquals(0, vmcb.read64(VmcbLayout.EXITINFO2), "EXITINFO2");
        assertEquals(exitIntInfo, vmcb.read64(VmcbLayout.EXITINTINFO), "EXITINTINFO");
        assertEquals(CODE, vmcb.read64(VmcbLayout.RIP), "taken before any guest instruction");
    }

    @Test
    void eachEventExitsWithItsCode() {
        GuestHarness g = guest();
        g.vcpu.vmcb().setBit(VmcbLayout.INTERCEPT_VECTOR3, InterceptBits.SMI, true);
        g.vcpu.vmcb().setBit(VmcbLayout.INTERCEPT_VECTOR3, InterceptBits.INIT, true);
        for (HostEvent event : HostEvent.values()) {
            g.vcpu.raiseHostEvent(event);
            assertExit(g, event.exitCode(), 0);
        }
        assertEquals(SvmExitCode.VMEXIT_HLT, g.vcpu.vmrun(100), "nothing pending any more");
    }

    @Test
    void smiBeforeInitBeforeNmiBeforeIntr() {
        GuestHarness g = guest();
        g.vcpu.vmcb().setBit(VmcbLayout.INTERCEPT_VECTOR3, InterceptBits.SMI, true);
        g.vcpu.vmcb().setBit(VmcbLayout.INTERCEPT_VECTOR3, InterceptBits.INIT, true);
        g.vcpu.raiseHostEvent(HostEvent.INTR);
        g.vcpu.raiseHostEvent(HostEvent.NMI);
        g.vcpu.raiseHostEvent(HostEvent.INIT);
        g.vcpu.raiseHostEvent(HostEvent.SMI);
        assertExit(g, SvmExitCode.VMEXIT_SMI, 0);
        assertExit(g, SvmExitCode.VMEXIT_INIT, 0);
        assertExit(g, SvmExitCode.VMEXIT_NMI, 0);
        assertExit(g, SvmExitCode.VMEXIT_INTR, 0);
    }

    @Test
    void anUninterceptedEventStaysPending() {
        GuestHarness g = guest();
        g.vcpu.raiseHostEvent(HostEvent.SMI); // the backend does not intercept SMI
        assertEquals(SvmExitCode.VMEXIT_HLT, g.vcpu.vmrun(100));
        g.hypervisor().write64(VmcbLayout.RIP, CODE);
        g.hypervisor().setBit(VmcbLayout.INTERCEPT_VECTOR3, InterceptBits.SMI, true);
        assertExit(g, SvmExitCode.VMEXIT_SMI, 0);
    }

    @Test
    void anEventPreemptingAnInjectionHandsItBackInExitintinfo() {
        GuestHarness g = guest();
        g.vcpu.inject(new Event.ExternalInterrupt(0x20));
        g.vcpu.raiseHostEvent(HostEvent.NMI);
        assertExit(g, SvmExitCode.VMEXIT_NMI, 1L << 31 | 0x20);
        assertEquals(0, g.vcpu.vmcb().read64(VmcbLayout.EVENTINJ), "EVENTINJ consumed");
    }

    @Test
    void throughTheCommonApiTheBackendAbsorbsHostNmisAndReinjects() {
        GuestHarness g = guest();
        g.vcpu.inject(new Event.ExternalInterrupt(0x20));
        g.vcpu.raiseHostEvent(HostEvent.NMI);
        VmExit.PortIo io = assertInstanceOf(VmExit.PortIo.class, g.vcpu.run(100), "the monitor never sees the host's NMI");
        assertEquals(0x80, io.port());
        assertEquals(CODE, g.vm.memory().readValue(STACK - 12, 4), "the interrupt was re-injected and delivered");
    }

    @Test
    void aHostInterruptPreemptsTheMonitor() {
        GuestHarness g = guest();
        g.vcpu.raiseHostEvent(HostEvent.INTR);
        assertInstanceOf(VmExit.Preempted.class, g.vcpu.run(100));
        assertEquals(CODE, g.rip());
        assertInstanceOf(VmExit.Hlt.class, g.vcpu.run(100));
    }
}
