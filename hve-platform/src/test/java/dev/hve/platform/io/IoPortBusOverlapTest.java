package dev.hve.platform.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hve.platform.PowerEvents;
import dev.hve.platform.clock.VirtualClock;
import dev.hve.platform.devices.PcChipset;
import dev.hve.platform.devices.SerialInput;
import dev.hve.platform.mmio.MmioBus;
import java.io.OutputStream;
import org.junit.jupiter.api.Test;

/** The port bus as the chipset relies on it: overlaps refused, unclaimed ports all ones. */
class IoPortBusOverlapTest {

    private static final PortDevice NOTHING = new PortDevice() {
        @Override
        public String name() {
            return "nothing";
        }

        @Override
        public long read(int offset, int size) {
            return 0;
        }

        @Override
        public void write(int offset, int size, long value) {
        }
    };

    private static final PowerEvents IGNORED = new PowerEvents() {
        @Override
        public void debugExit(int value) {
        }

        @Override
        public void resetRequested(String source) {
        }
    };

    @Test
    void overlappingClaimsAreErrors() {
        IoPortBus bus = new IoPortBus();
        bus.register(0x3F8, 8, NOTHING);
        assertThrows(IllegalArgumentException.class, () -> bus.register(0x3FF, 1, NOTHING));
        assertThrows(IllegalArgumentException.class, () -> bus.register(0x3F0, 9, NOTHING));
    }

    @Test
    void unclaimedPortsReadAllOnes() {
        IoPortBus bus = new IoPortBus();
        assertEquals(0xFF, bus.read(0x2F8, 1));
        assertEquals(0xFFFF, bus.read(0x2F8, 2));
        assertEquals(0xFFFF_FFFFL, bus.read(0x2F8, 4));
    }

    @Test
    void aSecondDeviceOnAChipsetPortIsRefused() {
        IoPortBus bus = new IoPortBus();
        new PcChipset(bus, new MmioBus(), VirtualClock.instructionDriven(),
            new PcChipset.Config(64L << 20, 0, 2, IGNORED, OutputStream.nullOutputStream(), SerialInput.none()));
        assertThrows(IllegalArgumentException.class, () -> bus.register(0x61, 1, NOTHING), "port B is claimed");
        assertThrows(IllegalArgumentException.class, () -> bus.register(0x510, 1, NOTHING), "fw_cfg is claimed");
        bus.register(0x62, 2, NOTHING); // between the i8042's two ports
    }
}
