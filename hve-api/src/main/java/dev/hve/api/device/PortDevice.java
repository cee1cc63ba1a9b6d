package dev.hve.api.device;

/**
 * A device on the I/O-port bus, in the style of rust-vmm's {@code vm-device}: it claims a range
 * of ports and answers reads and writes at offsets within it. Part of the SDK: extensions add
 * devices by implementing this.
 */
public interface PortDevice {

    /** A short name for logs and overlap errors, such as {@code "uart0"}. */
    String name();

    /**
     * Reads {@code size} bytes (1, 2 or 4) at {@code offset} from the start of the device's
     * range. Bits above {@code size} are ignored by the bus.
     */
    long read(int offset, int size);

    void write(int offset, int size, long value);
}
