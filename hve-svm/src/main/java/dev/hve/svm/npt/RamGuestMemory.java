package dev.hve.svm.npt;

import dev.hve.api.GuestMemory;
import java.util.function.Supplier;

/**
 * The monitor's view of guest RAM, like a KVM user process's mapping of its guest memory: it
 * reads the host blocks behind the current layout directly, without the nested tables (which map
 * the same blocks).
 */
public final class RamGuestMemory implements GuestMemory {

    private final Supplier<GuestRam> layout;

    public RamGuestMemory(Supplier<GuestRam> layout) {
        this.layout = layout;
    }

    @Override
    public void read(long guestPhysical, byte[] destination, int offset, int length) {
        layout.get().blocks().read(guestPhysical, destination, offset, length);
    }

    @Override
    public void write(long guestPhysical, byte[] source, int offset, int length) {
        layout.get().blocks().write(guestPhysical, source, offset, length);
    }

    @Override
    public long readValue(long guestPhysical, int size) {
        return layout.get().blocks().readValue(guestPhysical, size);
    }

    @Override
    public void writeValue(long guestPhysical, int size, long value) {
        layout.get().blocks().writeValue(guestPhysical, size, value);
    }

    @Override
    public boolean isRam(long guestPhysical) {
        return layout.get().isRam(guestPhysical);
    }
}
