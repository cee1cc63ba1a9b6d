package dev.hve.api;

/**
 * Guest-physical RAM as the monitor sees it, the way a KVM user process sees its mapping of guest
 * memory. Accesses outside RAM throw {@link IllegalArgumentException} naming the address.
 */
public interface GuestMemory {

    void read(long guestPhysical, byte[] destination, int offset, int length);

    void write(long guestPhysical, byte[] source, int offset, int length);

    /** Reads a little-endian value of 1, 2, 4 or 8 bytes. */
    long readValue(long guestPhysical, int size);

    /** Writes the low {@code size} bytes of {@code value}, little-endian. */
    void writeValue(long guestPhysical, int size, long value);

    boolean isRam(long guestPhysical);
}
