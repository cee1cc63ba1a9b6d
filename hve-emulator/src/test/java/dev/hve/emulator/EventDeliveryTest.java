package dev.hve.emulator;

import dev.hve.emulator.cpu.EventType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hve.emulator.cpu.CpuState;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Double and triple faults, exits during delivery, NMI blocking and the interrupt shadow. */
class EventDeliveryTest {

    private TestMachine withIdt() {
        TestMachine t = new TestMachine().flat32();
        t.flatGdt(0x6000);
        t.s.idtrBase = 0x5000;
        t.s.idtrLimit = 0x7FF;
        return t;
    }

    @Test
    void tripleFaultShutsDown() {
        TestMachine t = withIdt();
        t.s.idtrLimit = 0; // no gate is reachable
        t.load(0x1000, 0x0F, 0x0B); // ud2
        assertEquals(StopReason.EXIT, t.at(0x1000).run(10));
        assertTrue(t.shutdown);
        // #GP(6*8 + IDT + EXT): the gate for #UD lies beyond the IDT limit.
        assertEquals(List.of("exception 6 err=false/0 cr2=0", "exception 13 err=true/33 cr2=0",
            "exception 8 err=true/0 cr2=0", "shutdown"), t.log);
        assertEquals(0x1000, t.s.rip);
    }

    @Test
    void contributoryDuringContributoryIsDoubleFault() {
        TestMachine t = withIdt();
        t.gate32(0x5000, 8, 0x3000, 0);
        t.gate32(0x5000, 13, 0x3100, 0);
        t.memory.write8(0x5000 + 13 * 8 + 5, 0x0E); // #GP gate not present -> #NP while delivering #GP
        t.load(0x3000, 0xF4);
        t.load(0x1000, 0xB9, 0x34, 0x12, 0x00, 0x00, 0x0F, 0x32); // rdmsr of an unknown MSR: #GP
        t.at(0x1000).run(10);
        assertEquals(0x3001, t.s.rip, () -> t.log.toString());
        assertEquals(0, t.memory.read32(0x8000 - 16), "#DF error code 0");
        // The #NP is never "about to be delivered": it turns into #DF at once, so the hook sees #GP then #DF.
        assertEquals(List.of("msr write=false ecx=1234", "exception 13 err=true/0 cr2=0",
            "exception 8 err=true/0 cr2=0", "hlt len=1"), t.log);
    }

    @Test
    void exitWhileDeliveringReportsTheEvent() {
        TestMachine t = withIdt();
        t.gate32(0x5000, 0x20, 0x3000, 0);
        t.mmioStart = 0x30_0000;
        t.s.gpr[4] = 0x30_0010; // the pushes hit "MMIO"
        t.s.rip = 0x1000;
        t.s.rflags |= CpuState.IF;
        assertFalse(t.core.deliverEvent(EventType.EXTERNAL_INTERRUPT, 0x20, false, 0, 0));
        assertTrue(t.core.exitDuringEventDelivery());
        assertEquals(EventType.EXTERNAL_INTERRUPT, t.core.interruptedEventType());
        assertEquals(0x20, t.core.interruptedEventVector());
        assertEquals(0x1000, t.s.rip, "nothing changed");
        assertEquals(0x30_0010, t.s.gpr[4]);
        assertTrue((t.s.rflags & CpuState.IF) != 0);
        assertEquals(0x30_0000, t.core.faultingLinearAddress() & ~0xFFFL);
    }

    @Test
    void interceptedExceptionDuringDeliveryCarriesTheOriginalEvent() {
        TestMachine t = withIdt();
        t.memory.write64(0x5000 + 0x21 * 8, 0x0000_8E00_00F8_3000L); // selector 0xF8: beyond the GDT
        t.exitOnException = 13;
        t.s.rip = 0x1000;
        assertFalse(t.core.deliverEvent(EventType.EXTERNAL_INTERRUPT, 0x21, false, 0, 0));
        assertEquals(List.of("exception 13 err=true/f9 cr2=0"), t.log, "EXT bit set");
        assertTrue(t.core.exitDuringEventDelivery());
        assertEquals(0x21, t.core.interruptedEventVector());
    }

    @Test
    void injectedExceptionIsNotOfferedToTheHook() {
        TestMachine t = withIdt();
        t.gate32(0x5000, 14, 0x3000, 0);
        t.exitOnException = 14;
        t.s.rip = 0x1000;
        assertTrue(t.core.deliverEvent(EventType.HARDWARE_EXCEPTION, 14, true, 2, 0));
        assertEquals(0x3000, t.s.rip);
        assertEquals(2, t.memory.read32(0x8000 - 16));
        assertFalse(t.core.exitDuringEventDelivery());
    }

    @Test
    void softwareInterruptInjectionSavesNextRip() {
        TestMachine t = withIdt();
        t.gate32(0x5000, 0x80, 0x3000, 3);
        t.s.rip = 0x1000;
        assertTrue(t.core.deliverEvent(EventType.SOFTWARE_INTERRUPT, 0x80, false, 0, 2));
        assertEquals(0x1002, t.memory.read32(0x8000 - 12));
    }

    @Test
    void nmiBlockedUntilIret() {
        TestMachine t = withIdt();
        t.gate32(0x5000, 2, 0x3000, 0);
        t.load(0x3000, 0xCF); // iret
        t.load(0x1000, 0x90, 0x90);
        t.s.rip = 0x1000;
        assertTrue(t.core.deliverEvent(EventType.NMI, 2, false, 0, 0));
        assertTrue(t.s.nmiBlocked);
        t.run(1);
        assertFalse(t.s.nmiBlocked);
        assertEquals(0x1000, t.s.rip);
    }

    @Test
    void movSsShadowsOneInstruction() {
        TestMachine t = withIdt();
        t.load(0x1000, 0x8E, 0xD0, 0x90, 0x90); // mov ss, ax; nop
        t.s.gpr[0] = 0x10;
        t.s.rflags |= CpuState.IF;
        t.at(0x1000).run(1);
        assertFalse(t.core.interruptible());
        t.run(1);
        assertTrue(t.core.interruptible());
    }

    @Test
    void interruptWindowBoundaryHook() {
        TestMachine t = withIdt();
        t.exitOnBoundary = true;
        t.load(0x1000, 0xFB, 0x90, 0x90); // sti; nop
        t.core.watchBoundaries(true);
        assertEquals(StopReason.EXIT, t.at(0x1000).run(10));
        assertEquals(0x1002, t.s.rip, "the window opens after the instruction following STI");
    }

    @Test
    void haltedCoreWakesOnInterrupt() {
        TestMachine t = withIdt();
        t.gate32(0x5000, 0x30, 0x3000, 0);
        t.load(0x3000, 0x43, 0xCF);
        t.load(0x1000, 0xFB, 0xF4, 0x41, 0xF4);
        t.at(0x1000).run(10);
        assertTrue(t.s.halted);
        assertEquals(0x1002, t.s.rip);
        assertTrue(t.core.deliverEvent(EventType.EXTERNAL_INTERRUPT, 0x30, false, 0, 0));
        assertFalse(t.s.halted);
        t.run(10);
        assertEquals(1, t.s.gpr[3]);
        assertEquals(1, t.s.gpr[1]);
        assertEquals(0x1004, t.s.rip);
    }

    @Test
    void realModeIvtDelivery() {
        TestMachine t = new TestMachine().real();
        t.memory.write16(0x21 * 4, 0x0100);
        t.memory.write16(0x21 * 4 + 2, 0x0200); // 0200:0100 = 0x2100
        t.load(0x2100, 0x43, 0xCF);             // inc bx; iret
        t.load(0x1000, 0xCD, 0x21, 0xF4);      // int 0x21; hlt
        t.at(0x1000).run(10);
        assertEquals(1, t.s.gpr[3]);
        assertEquals(0x1003, t.s.rip);
        assertEquals(0x7000, t.s.gpr[4]);
    }

    @Test
    void trapFlagSingleSteps() {
        TestMachine t = withIdt();
        t.gate32(0x5000, 1, 0x3000, 0);
        t.load(0x3000, 0x43, 0xCF);         // #DB handler: inc ebx; iret
        t.load(0x1000, 0x90, 0x90, 0xF4);
        t.s.rflags |= CpuState.TF;
        t.at(0x1000).run(6); // NOP + #DB, INC, IRET; twice
        assertEquals(2, t.s.gpr[3], "one #DB after each NOP; none inside the handler (TF cleared there)");
        assertEquals(0x1002, t.s.rip);
        assertTrue((t.s.rflags & CpuState.TF) != 0, "IRET restored TF");
        assertTrue((t.s.dr[6] & (1 << 14)) != 0, "DR6.BS");
        assertEquals(List.of("exception 1 err=false/0 cr2=0", "exception 1 err=false/0 cr2=0"), t.log);
    }

    @Test
    void sixteenBitInterruptGatePushesWords() {
        TestMachine t = withIdt();
        // A 286 interrupt gate (type 6) to 08:3000 for vector 0x22.
        t.memory.write64(0x5000 + 0x22 * 8, 0x0000_8600_0008_3000L);
        t.load(0x3000, 0xF4);
        t.s.rip = 0x1234;
        t.s.rflags |= CpuState.IF;
        assertTrue(t.core.deliverEvent(EventType.EXTERNAL_INTERRUPT, 0x22, false, 0, 0));
        assertEquals(0x8000 - 6, t.s.gpr[4], "FLAGS, CS, IP as words");
        assertEquals(0x1234, t.memory.read16(0x8000 - 6));
        assertEquals(0x08, t.memory.read16(0x8000 - 4));
        assertEquals(0x3000, t.s.rip);
        assertEquals(0, t.s.rflags & CpuState.IF);
    }

    @Test
    void softwareInterruptChecksGateDpl() {
        TestMachine t = withIdt();
        t.gate32(0x5000, 0x40, 0x3000, 0); // DPL 0
        for (int seg = CpuState.ES; seg <= CpuState.GS; seg++) {
            t.s.segmentAttributes[seg] |= 0x60;
        }
        t.s.cpl = 3;
        t.exitOnException = 13;
        t.load(0x1000, 0xCD, 0x40);
        assertEquals(StopReason.EXIT, t.at(0x1000).run(10));
        assertEquals(List.of("exception 13 err=true/202 cr2=0"), t.log, "#GP(vector * 8 + 2), EXT clear");
    }
}
