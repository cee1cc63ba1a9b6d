package dev.hve.platform.irq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hve.platform.io.IoPortBus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PicPairTest {

    private final IoPortBus bus = new IoPortBus();
    private final PicPair pic = new PicPair();

    @BeforeEach
    void initializeLikeLinux() {
        pic.register(bus);
        // Linux init_8259A: ICW1 edge + ICW4, ICW2 vector base, ICW3 cascade, ICW4 8086 mode.
        bus.write(0x20, 1, 0x11);
        bus.write(0x21, 1, 0x20);
        bus.write(0x21, 1, 0x04);
        bus.write(0x21, 1, 0x01);
        bus.write(0xA0, 1, 0x11);
        bus.write(0xA1, 1, 0x28);
        bus.write(0xA1, 1, 0x02);
        bus.write(0xA1, 1, 0x01);
    }

    @Test
    void theMaskIsReadableAndOcw1WritesIt() {
        assertEquals(0x00, bus.read(0x21, 1), "ICW1 clears the IMR");
        bus.write(0x21, 1, 0xFB);
        bus.write(0xA1, 1, 0xFF);
        assertEquals(0xFB, bus.read(0x21, 1));
        assertEquals(0xFF, bus.read(0xA1, 1));
    }

    @Test
    void anEdgeIsRequestedAcknowledgedAndEnded() {
        pic.setPin(1, true);
        assertEquals(0x02, bus.read(0x20, 1), "IRR shows IR1 (OCW3 default is read IRR)");
        assertTrue(pic.interruptRequested());
        assertEquals(0x21, pic.peekVector());
        assertEquals(0x21, pic.acknowledge());
        bus.write(0x20, 1, 0x0B); // OCW3: read ISR
        assertEquals(0x02, bus.read(0x20, 1), "ISR holds IR1 after INTA");
        bus.write(0x20, 1, 0x0A); // OCW3: read IRR
        assertEquals(0x00, bus.read(0x20, 1), "INTA clears the edge request");
        assertFalse(pic.interruptRequested());
        bus.write(0x20, 1, 0x20); // non-specific EOI
        assertEquals(0, pic.master().isr());
    }

    @Test
    void fullyNestedModeLetsOnlyHigherPrioritiesThrough() {
        pic.setPin(3, true);
        assertEquals(0x23, pic.acknowledge());
        pic.setPin(4, true);
        assertFalse(pic.interruptRequested(), "IR4 is below IR3 in service");
        pic.setPin(1, true);
        assertEquals(0x21, pic.acknowledge(), "IR1 outranks IR3 and nests");
        assertEquals(0x0A, pic.master().isr());
        bus.write(0x20, 1, 0x20); // non-specific EOI ends the highest: IR1
        assertEquals(0x08, pic.master().isr());
        bus.write(0x20, 1, 0x63); // specific EOI for IR3
        assertEquals(0x00, pic.master().isr());
        assertEquals(0x24, pic.acknowledge(), "IR4 gets its turn");
    }

    @Test
    void maskedRequestsStayInIrrButDoNotInterrupt() {
        bus.write(0x21, 1, 0x01);
        pic.setPin(0, true);
        assertEquals(0x01, pic.master().irr());
        assertFalse(pic.interruptRequested());
        bus.write(0x21, 1, 0x00);
        assertEquals(0x20, pic.acknowledge());
    }

    @Test
    void slaveRequestsCascadeThroughIr2() {
        pic.setPin(8, true);
        assertTrue(pic.interruptRequested());
        assertEquals(0x28, pic.peekVector());
        assertEquals(0x28, pic.acknowledge());
        assertEquals(0x04, pic.master().isr(), "the master has the cascade input in service");
        assertEquals(0x01, pic.slave().isr());
        pic.setPin(14, true);
        assertFalse(pic.interruptRequested(), "a lower slave request waits for both EOIs");
        bus.write(0xA0, 1, 0x60); // specific EOI IR0 on the slave
        bus.write(0x20, 1, 0x62); // specific EOI IR2 on the master
        assertEquals(0x2E, pic.acknowledge());
    }

    @Test
    void anEdgeThatGoesAwayBeforeInTaBecomesSpuriousIr7() {
        pic.setPin(5, true);
        assertTrue(pic.interruptRequested());
        pic.setPin(5, false);
        assertEquals(0x27, pic.master().acknowledge() + 0x20);
        assertEquals(0, pic.master().isr(), "a spurious IR7 sets no ISR bit");
    }

    @Test
    void aLevelTriggeredInputInterruptsAgainAfterEoiWhileStillHigh() {
        bus.write(0x4D1, 1, 0x08); // ELCR2: IRQ11 level-triggered
        assertEquals(0x08, bus.read(0x4D1, 1));
        pic.setPin(11, true);
        assertEquals(0x2B, pic.acknowledge());
        bus.write(0xA0, 1, 0x20);
        bus.write(0x20, 1, 0x20);
        assertTrue(pic.interruptRequested(), "the line is still high");
        assertEquals(0x2B, pic.acknowledge());
        pic.setPin(11, false);
        bus.write(0xA0, 1, 0x20);
        bus.write(0x20, 1, 0x20);
        assertFalse(pic.interruptRequested());
    }

    @Test
    void elcrBitsForIrq0To2And8And13AreNotWritable() {
        bus.write(0x4D0, 1, 0xFF);
        bus.write(0x4D1, 1, 0xFF);
        assertEquals(0xF8, bus.read(0x4D0, 1));
        assertEquals(0xDE, bus.read(0x4D1, 1));
    }

    @Test
    void automaticEoiLeavesNothingInService() {
        bus.write(0x20, 1, 0x11);
        bus.write(0x21, 1, 0x20);
        bus.write(0x21, 1, 0x04);
        bus.write(0x21, 1, 0x03); // ICW4: 8086 mode + AEOI
        pic.setPin(1, true);
        assertEquals(0x21, pic.acknowledge());
        assertEquals(0, pic.master().isr());
    }

    @Test
    void rotateOnNonSpecificEoiMakesTheServicedLevelLowest() {
        pic.setPin(1, true);
        pic.acknowledge();
        bus.write(0x20, 1, 0xA0); // rotate on non-specific EOI: IR1 becomes lowest, IR2 highest
        pic.setPin(0, true);
        pic.setPin(3, true);
        assertEquals(0x23, pic.acknowledge(), "IR3 now outranks IR0");
    }

    @Test
    void pollCommandReturnsTheRequestAndAcknowledgesIt() {
        pic.setPin(6, true);
        bus.write(0x20, 1, 0x0C); // OCW3 poll
        assertEquals(0x86, bus.read(0x20, 1));
        assertEquals(0x40, pic.master().isr());
        bus.write(0x20, 1, 0x0C);
        assertEquals(0x00, bus.read(0x20, 1), "nothing more to poll");
    }

    @Test
    void icw1RequiresANewEdgeAfterInitialization() {
        pic.setPin(1, true);
        bus.write(0x20, 1, 0x11);
        bus.write(0x21, 1, 0x20);
        bus.write(0x21, 1, 0x04);
        bus.write(0x21, 1, 0x01);
        assertFalse(pic.interruptRequested(), "the edge-sense latch was reset");
        pic.setPin(1, false);
        pic.setPin(1, true);
        assertTrue(pic.interruptRequested());
    }

    @Test
    void aVanishedSlaveRequestIsSpuriousIrq15WithTheCascadeInService() {
        pic.setPin(10, true);
        assertEquals(0x2A, pic.peekVector());
        pic.slave().setInput(2, false); // the request drops before INTA, as a glitch would
        pic.master().setInput(PicPair.CASCADE_IR, true); // while the master already latched IR2
        assertEquals(0x2F, pic.acknowledge(), "the slave answers IR7: IRQ15");
        assertEquals(0x00, pic.slave().isr());
        assertEquals(0x04, pic.master().isr(), "the master must still get its EOI");
    }

    @Test
    void specialFullyNestedModeLetsAHigherSlaveRequestNest() {
        bus.write(0x20, 1, 0x11);
        bus.write(0x21, 1, 0x20);
        bus.write(0x21, 1, 0x04);
        bus.write(0x21, 1, 0x11); // ICW4: 8086 mode, SFNM
        pic.setPin(12, true);
        assertEquals(0x2C, pic.acknowledge());
        pic.setPin(9, true);
        assertTrue(pic.interruptRequested(), "IRQ9 outranks IRQ12 on the slave, and SFNM lets it through IR2");
        assertEquals(0x29, pic.acknowledge());
    }

    @Test
    void specialMaskModeEnablesLowerLevelsUnderAMaskedOneInService() {
        pic.setPin(1, true);
        pic.acknowledge();
        pic.setPin(5, true);
        assertFalse(pic.interruptRequested());
        bus.write(0x21, 1, 0x02); // mask IR1
        bus.write(0x20, 1, 0x68); // OCW3: set special mask mode
        assertTrue(pic.interruptRequested());
        assertEquals(0x25, pic.acknowledge());
    }

    @Test
    void ltimInIcw1MakesEveryInputLevelTriggered() {
        bus.write(0x20, 1, 0x19); // ICW1 with LTIM
        bus.write(0x21, 1, 0x20);
        bus.write(0x21, 1, 0x04);
        bus.write(0x21, 1, 0x01);
        pic.setPin(3, true);
        assertEquals(0x23, pic.acknowledge());
        bus.write(0x20, 1, 0x20);
        assertEquals(0x23, pic.acknowledge(), "still high: requested again");
    }

    @Test
    void theSlaveAnswersItsOwnIsrAndPollReads() {
        pic.setPin(13, true);
        pic.acknowledge();
        bus.write(0xA0, 1, 0x0B);
        assertEquals(0x20, bus.read(0xA0, 1), "slave ISR bit 5");
        bus.write(0xA0, 1, 0x0A);
        assertEquals(0x00, bus.read(0xA0, 1), "slave IRR empty again");
        assertEquals(0x00, bus.read(0xA1, 1), "slave IMR");
    }
}
