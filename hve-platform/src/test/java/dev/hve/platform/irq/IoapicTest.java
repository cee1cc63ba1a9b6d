package dev.hve.platform.irq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hve.platform.clock.VirtualClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IoapicTest {

    private final VirtualClock clock = VirtualClock.instructionDriven();
    private final ApicBus bus = new ApicBus();
    private final Ioapic ioapic = new Ioapic(bus);
    private final LocalApic apic = new LocalApic(0, 0, true, clock, bus);

    @BeforeEach
    void wire() {
        bus.attach(new LocalApic[] {apic});
        apic.writeRegister(LocalApic.SVR, 0x1FF);
    }

    private void writeRegister(int index, int value) {
        ioapic.write(0x00, 4, index);
        ioapic.write(0x10, 4, value);
    }

    private int readRegister(int index) {
        ioapic.write(0x00, 4, index);
        return (int) ioapic.read(0x10, 4);
    }

    @Test
    void versionIdentifiesTwentyFourEntries() {
        assertEquals(0x0017_0011, readRegister(0x01));
        writeRegister(0x00, 0x0200_0000);
        assertEquals(0x0200_0000, readRegister(0x00));
        ioapic.write(0x00, 4, 0x12);
        assertEquals(0x12, ioapic.read(0x00, 4), "IOREGSEL reads back");
    }

    @Test
    void entriesComeOutOfResetMaskedAndKeepReadOnlyBits() {
        assertEquals(0x0001_0000, readRegister(0x10));
        writeRegister(0x10 + 2 * 4, 0x0000_5031); // try to set remote IRR and delivery status
        assertEquals(0x0000_0031, readRegister(0x10 + 2 * 4));
        writeRegister(0x11 + 2 * 4, 0x0300_0000);
        assertEquals(0x0300_0000_0000_0031L, ioapic.redirectionEntry(4));
    }

    @Test
    void edgeInterruptIsDeliveredToTheDestinationApic() {
        writeRegister(0x10 + 2 * 4, 0x31);
        writeRegister(0x11 + 2 * 4, 0);
        ioapic.setPin(4, true);
        assertEquals(0x31, apic.pendingVector());
        assertFalse(apic.tmrBit(0x31), "edge: TMR clear");
    }

    @Test
    void edgesOnAMaskedPinAreLost() {
        writeRegister(0x10 + 2 * 3, 0x0001_0033);
        ioapic.setPin(3, true);
        writeRegister(0x10 + 2 * 3, 0x33);
        assertEquals(-1, apic.pendingVector());
    }

    @Test
    void levelInterruptHoldsRemoteIrrUntilEoi() {
        writeRegister(0x10 + 2 * 10, 0x0000_8040); // level, vector 0x40
        ioapic.setPin(10, true);
        assertEquals(0x40, apic.pendingVector());
        assertTrue(apic.tmrBit(0x40));
        assertEquals(0x4000, readRegister(0x10 + 2 * 10) & 0x4000, "remote IRR set");
        apic.acknowledge(0x40);
        apic.writeRegister(LocalApic.EOI, 0); // broadcast EOI: still asserted, so again
        assertEquals(0x40, apic.pendingVector());
        apic.acknowledge(0x40);
        ioapic.setPin(10, false);
        apic.writeRegister(LocalApic.EOI, 0);
        assertEquals(0, readRegister(0x10 + 2 * 10) & 0x4000, "remote IRR cleared by the EOI");
        assertEquals(-1, apic.pendingVector());
    }

    @Test
    void aLevelInputAssertedWhileMaskedIsDeliveredWhenUnmasked() {
        writeRegister(0x10 + 2 * 9, 0x0001_8041);
        ioapic.setPin(9, true);
        assertEquals(-1, apic.pendingVector());
        writeRegister(0x10 + 2 * 9, 0x0000_8041);
        assertEquals(0x41, apic.pendingVector());
    }

    @Test
    void nmiDeliveryMode() {
        writeRegister(0x10 + 2 * 5, 0x0000_0400);
        ioapic.setPin(5, true);
        assertTrue(apic.nmiPending());
    }
}
