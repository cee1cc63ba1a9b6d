package dev.hve.svm.intercept;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hve.emulator.memory.HostMemory;
import org.junit.jupiter.api.Test;

/** AMD APM Vol. 2, §15.10.1: one bit per port, every byte of a multi-byte access checked. */
class IopmTest {

    private final HostMemory memory = new HostMemory();
    private final long base = memory.allocate(Iopm.SIZE, 4096);

    @Test
    void mapIsTwelveKilobytes() {
        assertEquals(12 * 1024, Iopm.SIZE);
    }

    @Test
    void bitNIsPortNLittleEndianWithinBytes() {
        Iopm.set(memory, base, 0x3F9, true);
        assertEquals(1 << 1, memory.read8(base + 0x7F));
        assertTrue(Iopm.intercepted(memory, base, 0x3F9, 1));
        assertFalse(Iopm.intercepted(memory, base, 0x3F8, 1));
    }

    @Test
    void multiByteAccessIsInterceptedWhenAnyCoveredPortIs() {
        Iopm.set(memory, base, 0x3FB, true);
        assertFalse(Iopm.intercepted(memory, base, 0x3F8, 2), "0x3F8-0x3F9 free");
        assertTrue(Iopm.intercepted(memory, base, 0x3F8, 4), "0x3F8-0x3FB touches 0x3FB");
        assertTrue(Iopm.intercepted(memory, base, 0x3FA, 2));
        assertFalse(Iopm.intercepted(memory, base, 0x3FC, 4));
    }

    @Test
    void accessesPastPortFfffUseTheThirdPage() {
        Iopm.set(memory, base, 0x10001, true);
        assertEquals(1 << 1, memory.read8(base + 0x2000));
        assertFalse(Iopm.intercepted(memory, base, 0xFFFF, 2));
        assertTrue(Iopm.intercepted(memory, base, 0xFFFF, 4));
        assertTrue(Iopm.intercepted(memory, base, 0xFFFE, 4));
    }
}
