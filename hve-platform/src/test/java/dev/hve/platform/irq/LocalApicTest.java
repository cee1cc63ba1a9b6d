package dev.hve.platform.irq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hve.platform.clock.VirtualClock;
import org.junit.jupiter.api.Test;

class LocalApicTest {

    private final VirtualClock clock = VirtualClock.instructionDriven();
    private final ApicBus bus = new ApicBus();
    private final LocalApic bsp = new LocalApic(0, 0, true, clock, bus);
    private final LocalApic ap = new LocalApic(1, 1, false, clock, bus);

    LocalApicTest() {
        bus.attach(new LocalApic[] {bsp, ap});
    }

    private static void enable(LocalApic apic) {
        apic.writeRegister(LocalApic.SVR, 0x1FF);
    }

    @Test
    void identificationAndResetState() {
        assertEquals(0x0005_0014, bsp.readRegister(LocalApic.VERSION));
        assertEquals(1 << 24, ap.readRegister(LocalApic.ID));
        assertEquals(0xFF, bsp.readRegister(LocalApic.SVR), "software-disabled after reset");
        assertEquals(0xFEE0_0900L, bsp.apicBase(), "enabled, BSP flag");
        assertEquals(0xFEE0_0800L, ap.apicBase());
        assertEquals(LocalApic.LVT_MASKED, ap.readRegister(0x350), "an AP's LINT0 is masked");
        assertEquals(0x700, bsp.readRegister(0x350), "the BSP's LINT0 is in ExtINT virtual-wire mode");
    }

    @Test
    void selfIpiGoesThroughIrrIsrAndEoi() {
        enable(bsp);
        bsp.writeRegister(LocalApic.ICR_LOW, (1 << 18) | 0x41); // self, fixed, vector 0x41
        assertTrue(bsp.irrBit(0x41));
        assertEquals(0x41, bsp.pendingVector());
        bsp.acknowledge(0x41);
        assertTrue(bsp.isrBit(0x41));
        assertEquals(0x40, bsp.readRegister(LocalApic.PPR));
        assertEquals(-1, bsp.pendingVector());
        bsp.writeRegister(LocalApic.ICR_LOW, (1 << 18) | 0x45);
        assertEquals(-1, bsp.pendingVector(), "same priority class as the one in service");
        bsp.writeRegister(LocalApic.EOI, 0);
        assertFalse(bsp.isrBit(0x41));
        assertEquals(0x45, bsp.pendingVector());
        assertEquals(0, bsp.readRegister(LocalApic.ICR_LOW) & (1 << 12), "delivery status idle");
    }

    @Test
    void taskPriorityHoldsBackLowerClasses() {
        enable(bsp);
        bsp.writeRegister(LocalApic.TPR, 0x50);
        bsp.acceptFixed(0x52, false);
        assertEquals(-1, bsp.pendingVector());
        bsp.acceptFixed(0x61, false);
        assertEquals(0x61, bsp.pendingVector());
    }

    @Test
    void softwareDisabledApicPresentsNothingAndMasksLvtWrites() {
        bsp.acceptFixed(0x50, false);
        assertEquals(-1, bsp.pendingVector());
        bsp.writeRegister(0x320, 0x30);
        assertEquals(LocalApic.LVT_MASKED | 0x30, bsp.readRegister(0x320));
    }

    @Test
    void illegalVectorsAreRecordedInTheErrorStatusRegister() {
        enable(bsp);
        bsp.writeRegister(LocalApic.ICR_LOW, (1 << 18) | 0x05);
        assertEquals(0, bsp.readRegister(LocalApic.ESR), "not visible until ESR is written");
        bsp.writeRegister(LocalApic.ESR, 0);
        assertEquals(LocalApic.ESR_SEND_ILLEGAL_VECTOR, bsp.readRegister(LocalApic.ESR));
        bsp.acceptFixed(3, false);
        bsp.writeRegister(LocalApic.ESR, 0);
        assertEquals(LocalApic.ESR_RECEIVE_ILLEGAL_VECTOR, bsp.readRegister(LocalApic.ESR));
        bsp.writeRegister(LocalApic.ESR, 0);
        assertEquals(0, bsp.readRegister(LocalApic.ESR));
    }

    @Test
    void oneShotTimerCountsDownAndFiresOnce() {
        enable(bsp);
        bsp.writeRegister(0x320, 0x30);               // one-shot, vector 0x30
        bsp.writeRegister(LocalApic.TIMER_DIVIDE, 0x3); // divide by 16
        bsp.writeRegister(LocalApic.TIMER_INITIAL_COUNT, 1000);
        clock.advance(1600);
        assertEquals(900, bsp.readRegister(LocalApic.TIMER_CURRENT_COUNT));
        assertEquals(-1, bsp.pendingVector());
        clock.advance(16_000 - 1600 - 1);
        assertEquals(-1, bsp.pendingVector(), "not before count x 16 ns");
        clock.advance(1);
        assertEquals(0x30, bsp.pendingVector());
        assertEquals(0, bsp.readRegister(LocalApic.TIMER_CURRENT_COUNT));
        bsp.acknowledge(0x30);
        bsp.writeRegister(LocalApic.EOI, 0);
        clock.advance(100_000);
        assertEquals(-1, bsp.pendingVector(), "one-shot fires once");
    }

    @Test
    void periodicTimerReloads() {
        enable(bsp);
        bsp.writeRegister(0x320, (1 << 17) | 0x31);
        bsp.writeRegister(LocalApic.TIMER_DIVIDE, 0xB); // divide by 1
        bsp.writeRegister(LocalApic.TIMER_INITIAL_COUNT, 500);
        int fired = 0;
        for (int i = 0; i < 10; i++) {
            clock.advance(250);
            if (bsp.pendingVector() == 0x31) {
                fired++;
                bsp.acknowledge(0x31);
                bsp.writeRegister(LocalApic.EOI, 0);
            }
        }
        assertEquals(5, fired, "every 500 ns over 2500 ns");
        clock.advance(100);
        assertEquals(400, bsp.readRegister(LocalApic.TIMER_CURRENT_COUNT));
    }

    @Test
    void maskedTimerCountsWithoutInterrupting() {
        enable(bsp);
        bsp.writeRegister(0x320, LocalApic.LVT_MASKED | 0x30);
        bsp.writeRegister(LocalApic.TIMER_DIVIDE, 0xB);
        bsp.writeRegister(LocalApic.TIMER_INITIAL_COUNT, 100);
        clock.advance(50);
        assertEquals(50, bsp.readRegister(LocalApic.TIMER_CURRENT_COUNT));
        clock.advance(100);
        assertEquals(-1, bsp.pendingVector());
    }

    @Test
    void tscDeadlineModeFiresWhenTheTscReachesTheDeadline() {
        enable(bsp);
        bsp.writeRegister(0x320, (2 << 17) | 0x32);
        bsp.writeRegister(LocalApic.TIMER_INITIAL_COUNT, 1234);
        assertEquals(0, bsp.readRegister(LocalApic.TIMER_INITIAL_COUNT), "initial count is ignored");
        bsp.writeTscDeadline(clock.tsc() + 10_000);
        assertEquals(clock.tsc() + 10_000, bsp.readTscDeadline());
        clock.advance(9_999);
        assertEquals(-1, bsp.pendingVector());
        clock.advance(1);
        assertEquals(0x32, bsp.pendingVector());
        assertEquals(0, bsp.readTscDeadline(), "the deadline disarms after firing");
        bsp.writeRegister(0x320, 0x32);
        assertEquals(0, bsp.readTscDeadline(), "leaving TSC-deadline mode disarms");
    }

    @Test
    void aDeadlineAlreadyPassedFiresImmediately() {
        enable(bsp);
        clock.advance(5000);
        bsp.writeRegister(0x320, (2 << 17) | 0x33);
        bsp.writeTscDeadline(1);
        assertEquals(0x33, bsp.pendingVector());
    }

    @Test
    void initAndStartupIpisBringUpAnApplicationProcessor() {
        enable(bsp);
        assertTrue(ap.waitingForStartup(), "APs wait for a SIPI from power-up");
        bsp.writeRegister(LocalApic.ICR_HIGH, 1 << 24);
        bsp.writeRegister(LocalApic.ICR_LOW, 0x0000_4500); // INIT, assert
        assertTrue(ap.takeInit());
        assertFalse(ap.takeInit());
        bsp.writeRegister(LocalApic.ICR_LOW, 0x0000_8500); // INIT level de-assert: no effect
        assertFalse(ap.takeInit());
        bsp.writeRegister(LocalApic.ICR_LOW, 0x0000_4608); // SIPI, vector 0x08
        bsp.writeRegister(LocalApic.ICR_LOW, 0x0000_4609); // second SIPI: ignored, the AP already started
        assertEquals(0x08, ap.takeStartupVector());
        assertEquals(-1, ap.takeStartupVector());
        assertFalse(bsp.takeInit(), "the BSP was not addressed");
    }

    @Test
    void fixedIpiByPhysicalAndLogicalDestination() {
        enable(bsp);
        enable(ap);
        bsp.writeRegister(LocalApic.ICR_HIGH, 1 << 24);
        bsp.writeRegister(LocalApic.ICR_LOW, 0x50); // physical destination 1
        assertEquals(0x50, ap.pendingVector());
        assertEquals(-1, bsp.pendingVector());
        ap.writeRegister(LocalApic.LDR, 0x02 << 24); // flat model logical ID bit 1
        bsp.writeRegister(LocalApic.ICR_HIGH, 0x02 << 24);
        bsp.writeRegister(LocalApic.ICR_LOW, (1 << 11) | 0x60);
        assertTrue(ap.irrBit(0x60));
        bsp.writeRegister(LocalApic.ICR_LOW, (3 << 18) | 0x70); // all excluding self
        assertTrue(ap.irrBit(0x70));
        assertFalse(bsp.irrBit(0x70));
    }

    @Test
    void nmiIpiAndLint1() {
        bsp.writeRegister(LocalApic.ICR_LOW, (1 << 18) | (4 << 8));
        assertTrue(bsp.nmiPending());
        bsp.acknowledgeNmi();
        bsp.setLint1(true); // BSP LINT1 is NMI from reset
        assertTrue(bsp.nmiPending());
    }

    @Test
    void apicBaseDisableResetsAndReEnableStartsFromPowerUpState() {
        enable(bsp);
        bsp.writeRegister(LocalApic.TPR, 0x20);
        assertTrue(bsp.writeApicBase(0xFEE0_0100L)); // BSP flag, enable clear
        assertFalse(bsp.hardwareEnabled());
        assertTrue(bsp.acceptsExtInt(), "without an APIC, the 8259 drives INTR directly");
        bsp.acceptFixed(0x40, false);
        assertFalse(bsp.irrBit(0x40), "a disabled APIC accepts nothing");
        assertTrue(bsp.writeApicBase(0xFEE0_0900L));
        assertEquals(0, bsp.readRegister(LocalApic.TPR));
        assertEquals(0xFF, bsp.readRegister(LocalApic.SVR));
        assertFalse(bsp.writeApicBase(0xFEE0_0D00L), "x2APIC mode is not offered: #GP");
        assertFalse(bsp.writeApicBase(0xFEE0_0901L), "reserved bits: #GP");
    }

    @Test
    void changingTheDivisorMidCountKeepsTheCount() {
        enable(bsp);
        bsp.writeRegister(0x320, 0x30);
        bsp.writeRegister(LocalApic.TIMER_DIVIDE, 0xB); // by 1
        bsp.writeRegister(LocalApic.TIMER_INITIAL_COUNT, 1000);
        clock.advance(400);
        bsp.writeRegister(LocalApic.TIMER_DIVIDE, 0x0); // by 2
        assertEquals(600, bsp.readRegister(LocalApic.TIMER_CURRENT_COUNT));
        clock.advance(1199);
        assertEquals(-1, bsp.pendingVector());
        clock.advance(1);
        assertEquals(0x30, bsp.pendingVector());
    }

    @Test
    void lowestPriorityDeliveryPicksTheLowestTaskPriority() {
        enable(bsp);
        enable(ap);
        bsp.writeRegister(LocalApic.TPR, 0x20);
        bus.deliver(0xFF, false, LocalApic.MODE_LOWEST_PRIORITY, 0x90, false);
        assertTrue(ap.irrBit(0x90));
        assertFalse(bsp.irrBit(0x90));
    }

    @Test
    void lint0OnlyPassesThePicInUnmaskedExtIntMode() {
        enable(bsp);
        assertTrue(bsp.acceptsExtInt());
        bsp.writeRegister(0x350, 0x700 | LocalApic.LVT_MASKED);
        assertFalse(bsp.acceptsExtInt());
        bsp.writeRegister(0x350, 0x000 | 0x40);
        assertFalse(bsp.acceptsExtInt(), "fixed mode is not the virtual wire");
        assertFalse(ap.acceptsExtInt());
    }

    @Test
    void errorInterruptThroughLvtError() {
        enable(bsp);
        bsp.writeRegister(0x370, 0xFE);
        bsp.writeRegister(0x3F0, 1); // no register there
        assertEquals(0xFE, bsp.pendingVector());
        bsp.writeRegister(LocalApic.ESR, 0);
        assertEquals(LocalApic.ESR_ILLEGAL_REGISTER, bsp.readRegister(LocalApic.ESR));
    }

    @Test
    void clusterModelLogicalDestination() {
        enable(ap);
        ap.writeRegister(LocalApic.DFR, 0x0FFF_FFFF); // cluster model
        ap.writeRegister(LocalApic.LDR, 0x32 << 24); // cluster 3, member bit 1
        bus.deliver(0x32, true, LocalApic.MODE_FIXED, 0x70, false);
        assertTrue(ap.irrBit(0x70));
        bus.deliver(0x22, true, LocalApic.MODE_FIXED, 0x71, false);
        assertFalse(ap.irrBit(0x71), "another cluster");
        bus.deliver(0x31, true, LocalApic.MODE_FIXED, 0x72, false);
        assertFalse(ap.irrBit(0x72), "another member");
    }
}
