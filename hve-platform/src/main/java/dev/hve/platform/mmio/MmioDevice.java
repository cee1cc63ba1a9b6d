package dev.hve.platform.mmio;

/**
 * The platform's name for the SDK's MMIO-device contract, {@link dev.hve.api.device.MmioDevice}:
 * a device claims a range of guest-physical addresses and answers reads and writes of 1, 2, 4 or 8
 * bytes (little-endian) at offsets within it. Built-in devices implement this; the bus takes
 * either.
 */
public interface MmioDevice extends dev.hve.api.device.MmioDevice {
}
