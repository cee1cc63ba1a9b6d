package dev.hve.svm.npt;

import dev.hve.api.GuestMemory;
import dev.hve.emulator.memory.HostMemory;
import java.util.function.Supplier;

/**
 * The monitor's view of guest RAM, like a KVM user process's mapping of its guest memory: it
 * reads the host blocks behind the current layout directly, without the nested tables (which map
 * the same blocks).
 */
public final class RamGuestMemory implements GuestMemory {

    private final HostMemory memory;
    private final Supplier<GuestRam> layout;

    public RamGuestMemory(HostMemory memory, Supplier<GuestRam> layout) {
        this.memory = memory;
        this.layout = layout;
    }

    @Override
    public void read(long guestPhysical, byte[] destination, int offset, int length) {
        GuestRam ram = layout.get();
        while (length > 0) {
            int chunk = span(ram, guestPhysical, length);
            memory.readBytes(ram.hostAddress(guestPhysical), destination, offset, chunk);
            guestPhysical += chunk;
            offset += chunk;
            length -= chunk;
        }
    }

    @Override
    public void write(long guestPhysical, byte[] source, int offset, int length) {
        GuestRam ram = layout.get();
        while (length > 0) {
            int chunk = span(ram, guestPhysical, length);
            memory.writeBytes(ram.hostAddress(guestPhysical), source, offset, chunk);
            guestPhysical += chunk;
            offset += chunk;
            length -= chunk;
        }
    }

    @Override
    public long readValue(long guestPhysical, int size) {
        checkSize(size);
        GuestRam ram = layout.get();
        if (ram.contiguousBytes(guestPhysical) >= size) {
            return memory.read(ram.hostAddress(guestPhysical), size);
        }
        byte[] bytes = new byte[size];
        read(guestPhysical, bytes, 0, size);
        long value = 0;
        for (int i = size - 1; i >= 0; i--) {
            value = (value << 8) | (bytes[i] & 0xFF);
        }
        return value;
    }

    @Override
    public void writeValue(long guestPhysical, int size, long value) {
        checkSize(size);
        GuestRam ram = layout.get();
        if (ram.contiguousBytes(guestPhysical) >= size) {
            memory.write(ram.hostAddress(guestPhysical), size, value);
            return;
        }
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (value >>> (8 * i));
        }
        write(guestPhysical, bytes, 0, size);
    }

    @Override
    public boolean isRam(long guestPhysical) {
        return layout.get().hostAddress(guestPhysical) >= 0;
    }

    private static int span(GuestRam ram, long guestPhysical, int length) {
        long available = ram.contiguousBytes(guestPhysical);
        if (available <= 0) {
            throw new IllegalArgumentException(String.format("guest-physical 0x%x is not RAM", guestPhysical));
        }
        return (int) Math.min(available, length);
    }

    private static void checkSize(int size) {
        if (size != 1 && size != 2 && size != 4 && size != 8) {
            throw new IllegalArgumentException("size " + size);
        }
    }
}
