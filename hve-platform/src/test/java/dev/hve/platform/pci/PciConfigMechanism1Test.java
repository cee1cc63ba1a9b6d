package dev.hve.platform.pci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hve.platform.io.IoPortBus;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PciConfigMechanism1Test {

    private final List<String> resets = new ArrayList<>();
    private final PciBus pci = new PciBus();
    private final IoPortBus bus = new IoPortBus();

    @BeforeEach
    void wire() {
        pci.register(0, 0, new I440fxHostBridge());
        bus.register(PciConfigMechanism1.BASE_PORT, PciConfigMechanism1.PORT_COUNT,
            new PciConfigMechanism1(pci, resets::add));
    }

    private static int address(int busNumber, int device, int function, int register) {
        return 0x8000_0000 | busNumber << 16 | device << 11 | function << 8 | register;
    }

    private long config(int busNumber, int device, int function, int register, int size) {
        bus.write(0xCF8, 4, address(busNumber, device, function, register & 0xFC));
        return bus.read(0xCFC + (register & 3), size);
    }

    @Test
    void hostBridgeIdentifiesAsThe82441fx() {
        assertEquals(0x1237_8086L, config(0, 0, 0, 0x00, 4));
        assertEquals(0x0600_0002L, config(0, 0, 0, 0x08, 4), "class 06/00/00, revision 02");
        assertEquals(0x12, config(0, 0, 0, 0x03, 1), "byte lanes of CONFIG_DATA");
        assertEquals(0x0600, config(0, 0, 0, 0x0A, 2));
        assertEquals(0x00, config(0, 0, 0, 0x0E, 1), "header type 0, single function");
    }

    @Test
    void absentFunctionsAndOtherBusesReadAllOnes() {
        assertEquals(0xFFFF_FFFFL, config(0, 1, 0, 0, 4));
        assertEquals(0xFFFF_FFFFL, config(0, 0, 1, 0, 4));
        assertEquals(0xFFFF_FFFFL, config(1, 0, 0, 0, 4));
        assertEquals(0xFFFF, config(0, 31, 7, 2, 2));
    }

    @Test
    void configAddressReadsBackWithoutReservedBitsAndOnlyAsADword() {
        bus.write(0xCF8, 4, 0xFFFF_FFFFL);
        assertEquals(0x80FF_FFFCL, bus.read(0xCF8, 4));
        bus.write(0xCF8, 4, 0);
        assertEquals(0xFFFF_FFFFL, bus.read(0xCFC, 4), "enable bit clear: no configuration cycle");
        assertEquals(0xFF, bus.read(0xCFB, 1), "byte reads of 0xCF8-0xCFB are not CONFIG_ADDRESS");
    }

    @Test
    void identificationIsReadOnlyAndChipsetRegistersHoldWrites() {
        bus.write(0xCF8, 4, address(0, 0, 0, 0));
        bus.write(0xCFC, 4, 0);
        assertEquals(0x1237_8086L, config(0, 0, 0, 0, 4));
        bus.write(0xCF8, 4, address(0, 0, 0, 0x58));
        bus.write(0xCFD, 1, 0x33); // PAM0 at 0x59
        assertEquals(0x33, config(0, 0, 0, 0x59, 1));
    }

    @Test
    void resetControlRegisterResetsOnRcpuRisingEdge() {
        bus.write(0xCF9, 1, 0x02);
        assertEquals(0, resets.size());
        bus.write(0xCF9, 1, 0x06);
        assertEquals(1, resets.size());
        assertEquals(true, resets.get(0).contains("hard"));
    }

    @Test
    void aSlotTakesOneFunction() {
        assertThrows(IllegalArgumentException.class, () -> pci.register(0, 0, new I440fxHostBridge()));
    }
}
