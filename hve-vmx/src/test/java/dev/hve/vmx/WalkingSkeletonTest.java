package dev.hve.vmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hve.api.Register;
import dev.hve.api.VendorRecord;
import dev.hve.api.VmExit;
import dev.hve.vmx.exit.ExitReason;
import java.util.ServiceLoader;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/** The first milestone: OUT, CPUID and HLT through VM entry, the core, the VMCS record and the first-level handler. */
class WalkingSkeletonTest {

    @Test
    void providerIsDiscoveredAndSelectsOnIntelWithVmxOnly() {
        var provider = StreamSupport.stream(ServiceLoader.load(dev.hve.api.spi.BackendProvider.class).spliterator(), false)
            .filter(p -> p.name().equals("vmx")).findFirst().orElseThrow();
        assertTrue(provider.supports(TestHosts.intel()).isPresent());
        assertTrue(provider.supports(TestHosts.intel()).get().contains("VMX"));
        assertFalse(provider.supports(TestHosts.amd()).isPresent());
    }

    @Test
    void outCpuidHltAreExitsWithTheSdmRecord() {
        // mov al,'H'; mov dx,0x3f8; out dx,al; mov eax,0; cpuid; hlt
        Guest g = new Guest().flat32(0xB0, 'H', 0x66, 0xBA, 0xF8, 0x03, 0xEE, 0xB8, 0, 0, 0, 0, 0x0F, 0xA2, 0xF4)
            .intercept(true, 0);
        VmExit exit = g.vcpu.run(1000);
        VmExit.PortIo io = assertInstanceOf(VmExit.PortIo.class, exit);
        assertEquals(0x3F8, io.port());
        assertEquals(1, io.size());
        assertFalse(io.in());
        assertEquals('H', io.value());
        VendorRecord record = g.vcpu.lastExitRecord();
        assertEquals("vmx", record.backend());
        assertEquals(ExitReason.IO_INSTRUCTION, record.reason());
        // size-1 = 0, OUT, not string, not REP, DX operand, port 3F8h in bits 31:16.
        assertEquals(0x03F8_0000L, record.fields().get("qualification"));
        assertEquals(1L, record.fields().get("instruction_length"));
        assertEquals(Guest.CODE + 6, g.vcpu.register(Register.RIP));
        g.vcpu.completeInstruction();
        assertEquals(Guest.CODE + 7, g.vcpu.register(Register.RIP));

        VmExit.Cpuid cpuid = assertInstanceOf(VmExit.Cpuid.class, g.vcpu.run(1000));
        assertEquals(0, cpuid.leaf());
        assertEquals(ExitReason.CPUID, g.vcpu.lastExitRecord().reason());
        assertEquals(ExitReason.CPUID, g.vcpu.lastExitReason(), "the cheap accessor agrees");
        assertEquals(2L, g.vcpu.lastExitRecord().fields().get("instruction_length"));
        g.vcpu.completeInstruction();

        assertInstanceOf(VmExit.Hlt.class, g.vcpu.run(1000));
        assertEquals(ExitReason.HLT, g.vcpu.lastExitRecord().reason());
    }

    @Test
    void cpuidNotInterceptedRunsAgainstTheHostModel() {
        // xor eax,eax; cpuid; hlt
        Guest g = new Guest().flat32(0x31, 0xC0, 0x0F, 0xA2, 0xF4).intercept(false, 0);
        assertInstanceOf(VmExit.Hlt.class, g.vcpu.run(1000));
        assertEquals(0x756E_6547L, g.vcpu.register(Register.RBX)); // "Genu"
        assertEquals(ExitReason.HLT, g.vcpu.lastExitRecord().reason());
    }

    @Test
    void aHaltedGuestSpendsBudgetsLongerThanOneTimerSlice() {
        Guest g = new Guest().flat32(0xF4).intercept(Guest.ports());
        assertInstanceOf(VmExit.Preempted.class, g.vcpu.run(3L << 32), "halted time counts against the budget");
        assertEquals(1, g.vcpu.retiredInstructions(), "only the HLT retired");
    }

    @Test
    void budgetEndIsAPreemptionTimerExit() {
        // jmp $
        Guest g = new Guest().flat32(0xEB, 0xFE).intercept(true, 0);
        assertInstanceOf(VmExit.Preempted.class, g.vcpu.run(100));
        assertEquals(ExitReason.PREEMPTION_TIMER, g.vcpu.lastExitRecord().reason());
        assertEquals(100, g.vcpu.retiredInstructions());
        assertInstanceOf(VmExit.Preempted.class, g.vcpu.run(0));
        assertEquals(100, g.vcpu.retiredInstructions());
    }
}
