package dev.hve.api.device;

/**
 * A device in guest-physical address space: accesses that hit no RAM are decoded by the platform
 * and delivered here as reads and writes of 1, 2, 4 or 8 bytes at offsets within the device's
 * window. Part of the SDK.
 */
public interface MmioDevice {

    String name();

    long read(long offset, int size);

    void write(long offset, int size, long value);
}
