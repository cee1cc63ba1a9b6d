package dev.hve.svm.intercept;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hve.emulator.memory.HostMemory;
import org.junit.jupiter.api.Test;

/** AMD APM Vol. 2, §15.11: two bits per MSR in three 2 KiB vectors; anything else always exits. */
class MsrpmTest {

    private final HostMemory memory = new HostMemory();
    private final long base = memory.allocate(Msrpm.SIZE, 4096);

    @Test
    void bitPositionsOfTheThreeRanges() {
        assertEquals(0, Msrpm.readBit(0x0000_0000));
        assertEquals(2 * 0x1FFF, Msrpm.readBit(0x0000_1FFF));
        assertEquals(0x800 * 8, Msrpm.readBit(0xC000_0000));
        assertEquals(0x800 * 8 + 2 * 0x80, Msrpm.readBit(0xC000_0080)); // EFER
        assertEquals(0x1000 * 8, Msrpm.readBit(0xC001_0000));
        assertEquals(0x1000 * 8 + 2 * 0x1FFF, Msrpm.readBit(0xC001_1FFF));
        assertEquals(-1, Msrpm.readBit(0x0000_2000));
        assertEquals(-1, Msrpm.readBit(0xC000_2000));
        assertEquals(-1, Msrpm.readBit(0x4000_0000));
    }

    @Test
    void evenBitReadsOddBitWrites() {
        Msrpm.set(memory, base, 0xC000_0080, true, true);
        // EFER: byte 0x800 + 0x80*2/8 = 0x820, write bit = bit 1.
        assertEquals(1 << 1, memory.read8(base + 0x820));
        assertTrue(Msrpm.intercepted(memory, base, 0xC000_0080, true));
        assertFalse(Msrpm.intercepted(memory, base, 0xC000_0080, false));
        Msrpm.set(memory, base, 0x10, false, true); // TSC read
        assertEquals(1, memory.read8(base + 4));
        assertTrue(Msrpm.intercepted(memory, base, 0x10, false));
        assertFalse(Msrpm.intercepted(memory, base, 0x10, true));
    }

    @Test
    void msrsOutsideTheRangesAlwaysExit() {
        assertTrue(Msrpm.intercepted(memory, base, 0x4000_0000, false));
        assertTrue(Msrpm.intercepted(memory, base, 0x0000_2000, true));
        assertFalse(Msrpm.intercepted(memory, base, 0xC001_0015, false));
    }
}
