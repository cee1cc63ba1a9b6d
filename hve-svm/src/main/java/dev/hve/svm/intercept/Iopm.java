package dev.hve.svm.intercept;

import dev.hve.emulator.memory.HostMemory;

/**
 * The I/O permission map (AMD APM Vol. 2, §15.10.1): 12 KiB of physically contiguous host memory,
 * one bit per port. A multi-byte access is intercepted when the bit of any byte it touches is set,
 * which is why the map is 12 KiB rather than 8 KiB: an access at port 0xFFFF of width up to 4
 * reads bits 0x10000-0x10002, which live in the third page.
 */
public final class Iopm {

    /** The map's architectural size. */
    public static final int SIZE = 12 * 1024;
    /** Ports 0-0xFFFF plus the bits a 4-byte access starting at 0xFFFF spills into. */
    public static final int BITS = SIZE * 8;

    private Iopm() {
    }

    /** Whether an access of {@code size} bytes at {@code port} is intercepted by the map at {@code base}. */
    public static boolean intercepted(HostMemory memory, long base, int port, int size) {
        for (int bit = port; bit < port + size; bit++) {
            if ((memory.read8(base + (bit >>> 3)) >>> (bit & 7) & 1) != 0) {
                return true;
            }
        }
        return false;
    }

    public static void set(HostMemory memory, long base, int bit, boolean intercept) {
        long address = base + (bit >>> 3);
        int value = memory.read8(address);
        int mask = 1 << (bit & 7);
        memory.write8(address, intercept ? value | mask : value & ~mask);
    }
}
