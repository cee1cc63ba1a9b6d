package dev.hve.emulator.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Host memory is backed chunk by chunk on first touch, and reads as zero until written. */
class HostMemoryTest {

    private static final long MIB = 1 << 20;

    @Test
    void aLargeAllocationCostsOnlyTheChunksItsUserTouches() {
        HostMemory memory = new HostMemory();
        long ram = memory.allocate(128 * MIB, 4096);
        assertEquals(0, memory.touchedBytes(), "nothing touched yet");

        memory.write32(ram + 5 * MIB + 12, 0xCAFE_F00D);
        memory.write8(ram + 100 * MIB, 0x5A);
        assertEquals(2 * MIB, memory.touchedBytes());
        assertEquals(0xCAFE_F00D, memory.read32(ram + 5 * MIB + 12));
        assertEquals(0x5A, memory.read8(ram + 100 * MIB));
        assertEquals(0, memory.read32(ram + 5 * MIB + 16), "the rest of a touched chunk is zero");
        assertSame(memory.chunk(ram + 5 * MIB), memory.chunk(ram + 5 * MIB + 4096), "one array per chunk");
    }

    @Test
    void bulkReadsAndClearsOfUntouchedMemorySeeZeroesWithoutBackingIt() {
        HostMemory memory = new HostMemory();
        long ram = memory.allocate(16 * MIB, 4096);
        byte[] bytes = new byte[3 * (int) MIB];
        Arrays.fill(bytes, (byte) 0x77);
        memory.readBytes(ram + MIB / 2, bytes, 0, bytes.length);
        assertArrayEquals(new byte[bytes.length], bytes, "untouched memory reads as zero");
        memory.clear(ram, 8 * MIB);
        assertEquals(0, memory.touchedBytes());

        // A write straddling two chunks backs both; a read across touched and untouched chunks
        // returns the written bytes and zeroes.
        byte[] pattern = {1, 2, 3, 4, 5, 6};
        memory.writeBytes(ram + 2 * MIB - 3, pattern, 0, pattern.length);
        assertEquals(2 * MIB, memory.touchedBytes());
        byte[] back = new byte[8];
        memory.readBytes(ram + 2 * MIB - 3, back, 0, back.length);
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 0, 0}, back);
        memory.clear(ram + 2 * MIB - 1, 2);
        assertEquals(0x0000_0201, memory.read32(ram + 2 * MIB - 3), "bytes 3 and 4 cleared");
    }

    @Test
    void accessesOutsideTheAllocationsAreRejected() {
        HostMemory memory = new HostMemory();
        long ram = memory.allocate(MIB, 4096);
        assertThrows(RuntimeException.class, () -> memory.read8(ram + MIB));
        assertThrows(RuntimeException.class, () -> memory.chunk(-1));
    }
}
