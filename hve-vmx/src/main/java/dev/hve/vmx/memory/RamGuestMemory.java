package dev.hve.vmx.memory;

import dev.hve.api.GuestMemory;
import java.util.function.Supplier;

/** Guest RAM as the monitor sees it: the common API over the VM's current {@link GuestRam}. */
public final class RamGuestMemory implements GuestMemory {

    private final Supplier<GuestRam> ram;

    public RamGuestMemory(Supplier<GuestRam> ram) {
        this.ram = ram;
    }

    @Override
    public void read(long guestPhysical, byte[] destination, int offset, int length) {
        ram.get().blocks().read(guestPhysical, destination, offset, length);
    }

    @Override
    public void write(long guestPhysical, byte[] source, int offset, int length) {
        ram.get().blocks().write(guestPhysical, source, offset, length);
    }

    @Override
    public long readValue(long guestPhysical, int size) {
        return ram.get().blocks().readValue(guestPhysical, size);
    }

    @Override
    public void writeValue(long guestPhysical, int size, long value) {
        ram.get().blocks().writeValue(guestPhysical, size, value);
    }

    @Override
    public boolean isRam(long guestPhysical) {
        return ram.get().blocks().hostAddress(guestPhysical) >= 0;
    }
}
