package dev.hve.cli;

import dev.hve.api.device.MmioDevice;
import dev.hve.api.extension.ExtensionContext;
import dev.hve.api.extension.PlatformExtension;

/**
 * A test fixture that is also a worked example of the extension SDK: 4 KiB of scratch memory
 * behind MMIO at {@link #BASE}, so test guests can check MMIO decode by reading back what they
 * wrote through every instruction form. Registered for the runner tests through
 * {@code META-INF/services} in test resources, the way a plug-in jar registers its extensions.
 */
public final class MmioScratchExtension implements PlatformExtension {

    public static final long BASE = 0xFE00_0000L;
    public static final int SIZE = 0x1000;

    @Override
    public String name() {
        return "test-mmio-scratch";
    }

    @Override
    public void install(ExtensionContext context) {
        context.addMmioDevice(BASE, SIZE, new Scratch());
    }

    /** Little-endian scratch memory: reads return what was written. */
    static final class Scratch implements MmioDevice {
        private final byte[] bytes = new byte[SIZE];

        @Override
        public String name() {
            return "mmio-scratch";
        }

        @Override
        public long read(long offset, int size) {
            long value = 0;
            for (int i = 0; i < size; i++) {
                value |= (bytes[(int) offset + i] & 0xFFL) << (8 * i);
            }
            return value;
        }

        @Override
        public void write(long offset, int size, long value) {
            for (int i = 0; i < size; i++) {
                bytes[(int) offset + i] = (byte) (value >>> (8 * i));
            }
        }
    }
}
