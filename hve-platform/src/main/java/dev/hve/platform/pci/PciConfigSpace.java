package dev.hve.platform.pci;

/**
 * A 256-byte type 0 configuration header with a per-byte write mask (PCI Local Bus Specification
 * 3.0, chapter 6 "Configuration Space"): read-only identification, writable control bytes.
 */
public class PciConfigSpace implements PciFunction {

    public static final int VENDOR_ID = 0x00;
    public static final int DEVICE_ID = 0x02;
    public static final int COMMAND = 0x04;
    public static final int STATUS = 0x06;
    public static final int REVISION_ID = 0x08;
    public static final int CLASS_CODE = 0x09;
    public static final int HEADER_TYPE = 0x0E;
    public static final int SUBSYSTEM_VENDOR_ID = 0x2C;

    private final String name;
    private final byte[] bytes = new byte[256];
    private final byte[] writable = new byte[256];

    /**
     * @param classCode base class, sub-class, programming interface as one 24-bit value (0x060000
     *                  is a host bridge)
     */
    public PciConfigSpace(String name, int vendorId, int deviceId, int revision, int classCode) {
        this.name = name;
        put16(VENDOR_ID, vendorId);
        put16(DEVICE_ID, deviceId);
        bytes[REVISION_ID] = (byte) revision;
        bytes[CLASS_CODE] = (byte) classCode;
        bytes[CLASS_CODE + 1] = (byte) (classCode >> 8);
        bytes[CLASS_CODE + 2] = (byte) (classCode >> 16);
    }

    @Override
    public String name() {
        return name;
    }

    /** Presets a 16-bit value, such as the status register's capability bits. */
    protected final void put16(int offset, int value) {
        bytes[offset] = (byte) value;
        bytes[offset + 1] = (byte) (value >> 8);
    }

    protected final void put8(int offset, int value) {
        bytes[offset] = (byte) value;
    }

    /** Makes the bits of {@code mask} in the byte at {@code offset} writable. */
    protected final void allowWrite(int offset, int mask) {
        writable[offset] = (byte) mask;
    }

    @Override
    public int readConfig(int register) {
        int r = register & 0xFC;
        return (bytes[r] & 0xFF) | (bytes[r + 1] & 0xFF) << 8 | (bytes[r + 2] & 0xFF) << 16 | (bytes[r + 3] & 0xFF) << 24;
    }

    @Override
    public void writeConfig(int offset, int size, int value) {
        for (int i = 0; i < size; i++) {
            int at = offset + i;
            int mask = writable[at] & 0xFF;
            int b = (value >> (8 * i)) & 0xFF;
            bytes[at] = (byte) ((bytes[at] & ~mask) | (b & mask));
        }
    }
}
