package dev.hve.platform.mmio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MmioBusTest {

    /** Remembers the last access, answers reads with the offset. */
    private static final class Probe implements MmioDevice {
        private final String name;
        long lastOffset = -1;
        int lastSize;
        long lastValue;

        Probe(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public long read(long offset, int size) {
            lastOffset = offset;
            lastSize = size;
            return 0x1122_3344_5566_7700L | offset;
        }

        @Override
        public void write(long offset, int size, long value) {
            lastOffset = offset;
            lastSize = size;
            lastValue = value;
        }
    }

    @Test
    void accessesReachTheClaimingDeviceAtItsOffset() {
        MmioBus bus = new MmioBus();
        Probe a = new Probe("a");
        Probe b = new Probe("b");
        bus.register(0xFEC0_0000L, 0x1000, a);
        bus.register(0xD000_0000L, 0x100, b);
        assertEquals(0x1122_3344_5566_7710L, bus.read(0xFEC0_0010L, 8));
        assertEquals(0x7710, bus.read(0xFEC0_0010L, 2), "narrow reads are truncated");
        bus.write(0xD000_00FFL, 1, 0x1FF);
        assertEquals(0xFF, b.lastOffset);
        assertEquals(0xFF, b.lastValue, "writes are truncated to their size");
        assertSame(a, bus.deviceAt(0xFEC0_0FFFL));
        assertNull(bus.deviceAt(0xFEC0_1000L));
    }

    @Test
    void unclaimedReadsAreAllOnesAndWritesVanish() {
        MmioBus bus = new MmioBus();
        assertEquals(0xFF, bus.read(0x1234, 1));
        assertEquals(0xFFFF_FFFFL, bus.read(0x1234, 4));
        assertEquals(-1L, bus.read(0x1234, 8));
        bus.write(0x1234, 4, 7);
    }

    @Test
    void overlappingRangesAreRejected() {
        MmioBus bus = new MmioBus();
        bus.register(0x1000, 0x1000, new Probe("first"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> bus.register(0x1FFF, 0x10, new Probe("second")));
        assertTrue(e.getMessage().contains("first") && e.getMessage().contains("second"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> bus.register(0x0800, 0x1000, new Probe("third")));
        assertThrows(IllegalArgumentException.class, () -> bus.register(0x0000, 0x10000, new Probe("fourth")));
        bus.register(0x2000, 0x10, new Probe("adjacent"));
        bus.register(0x0FF0, 0x10, new Probe("below"));
    }

    @Test
    void onlyArchitecturalSizesAreAccepted() {
        MmioBus bus = new MmioBus();
        assertThrows(IllegalArgumentException.class, () -> bus.read(0, 3));
    }
}
