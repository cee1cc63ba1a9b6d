package dev.hve.vmx.memory;

import dev.hve.api.GuestMemory;
import dev.hve.emulator.memory.HostMemory;
import java.util.function.Supplier;

/** Guest RAM as the monitor sees it, over the VM's current {@link GuestRam} layout. */
public final class RamGuestMemory implements GuestMemory {

    private final HostMemory memory;
    private final Supplier<GuestRam> ram;

    public RamGuestMemory(HostMemory memory, Supplier<GuestRam> ram) {
        this.memory = memory;
        this.ram = ram;
    }

    @Override
    public void read(long guestPhysical, byte[] destination, int offset, int length) {
        GuestRam layout = ram.get();
        while (length > 0) {
            int n = chunk(layout, guestPhysical, length);
            memory.readBytes(layout.hostAddress(guestPhysical), destination, offset, n);
            guestPhysical += n;
            offset += n;
            length -= n;
        }
    }

    @Override
    public void write(long guestPhysical, byte[] source, int offset, int length) {
        GuestRam layout = ram.get();
        while (length > 0) {
            int n = chunk(layout, guestPhysical, length);
            memory.writeBytes(layout.hostAddress(guestPhysical), source, offset, n);
            guestPhysical += n;
            offset += n;
            length -= n;
        }
    }

    @Override
    public long readValue(long guestPhysical, int size) {
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
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (value >>> (8 * i));
        }
        write(guestPhysical, bytes, 0, size);
    }

    @Override
    public boolean isRam(long guestPhysical) {
        return ram.get().hostAddress(guestPhysical) >= 0;
    }

    private static int chunk(GuestRam layout, long gpa, int length) {
        long available = layout.contiguous(gpa);
        if (available <= 0) {
            throw new IllegalArgumentException(String.format("guest-physical 0x%x is not RAM", gpa));
        }
        return (int) Math.min(length, available);
    }
}
