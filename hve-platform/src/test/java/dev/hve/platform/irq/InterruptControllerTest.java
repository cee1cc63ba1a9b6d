package dev.hve.platform.irq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hve.platform.clock.VirtualClock;
import dev.hve.platform.io.IoPortBus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class InterruptControllerTest {

    private final VirtualClock clock = VirtualClock.instructionDriven();
    private final ApicBus bus = new ApicBus();
    private final PicPair pic = new PicPair();
    private final LocalApic bsp = new LocalApic(0, 0, true, clock, bus);
    private final LocalApic ap = new LocalApic(1, 1, false, clock, bus);
    private final InterruptController irq = new InterruptController(pic, new LocalApic[] {bsp, ap});

    @BeforeEach
    void initializePic() {
        bus.attach(new LocalApic[] {bsp, ap});
        IoPortBus ports = new IoPortBus();
        pic.register(ports);
        ports.write(0x20, 1, 0x11);
        ports.write(0x21, 1, 0x30);
        ports.write(0x21, 1, 0x04);
        ports.write(0x21, 1, 0x01);
        ports.write(0xA0, 1, 0x11);
        ports.write(0xA1, 1, 0x38);
        ports.write(0xA1, 1, 0x02);
        ports.write(0xA1, 1, 0x01);
    }

    @Test
    void picInterruptsReachTheBspThroughLint0() {
        assertEquals(-1, irq.pendingVector(0));
        pic.setPin(4, true);
        assertEquals(0x34, irq.pendingVector(0));
        assertEquals(-1, irq.pendingVector(1), "an AP's LINT0 is masked");
        assertEquals(0x34, irq.pendingVector(0), "peeking does not acknowledge");
        irq.acknowledge(0, 0x34);
        assertEquals(0x10, pic.master().isr());
        assertEquals(-1, irq.pendingVector(0));
    }

    @Test
    void theLocalApicComesBeforeThePic() {
        bsp.writeRegister(LocalApic.SVR, 0x1FF);
        pic.setPin(1, true);
        bsp.acceptFixed(0x80, false);
        assertEquals(0x80, irq.pendingVector(0));
        irq.acknowledge(0, 0x80);
        assertTrue(bsp.isrBit(0x80));
        assertEquals(0x31, irq.pendingVector(0));
    }

    @Test
    void maskingLint0CutsThePicOff() {
        bsp.writeRegister(LocalApic.SVR, 0x1FF);
        bsp.writeRegister(0x350, LocalApic.LVT_MASKED | 0x700);
        pic.setPin(1, true);
        assertEquals(-1, irq.pendingVector(0));
        assertFalse(irq.wakeupPending(0));
    }

    @Test
    void acknowledgingSomethingNotPendingIsAnError() {
        assertThrows(IllegalStateException.class, () -> irq.acknowledge(0, 0x99));
    }

    @Test
    void nmiAndWakeups() {
        assertFalse(irq.wakeupPending(1));
        ap.acceptNmi();
        assertTrue(irq.nmiPending(1));
        assertTrue(irq.wakeupPending(1));
        irq.acknowledgeNmi(1);
        assertFalse(irq.nmiPending(1));
    }
}
