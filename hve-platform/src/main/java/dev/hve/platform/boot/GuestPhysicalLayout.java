package dev.hve.platform.boot;

import dev.hve.api.MemoryMap;
import java.util.ArrayList;
import java.util.List;

/**
 * The PC's guest-physical layout as boot loaders see it: RAM from the memory map, and the device
 * windows no image may be loaded over. Loaders check every range they write against it so that
 * a bad image gives a clear error instead of silently vanishing into MMIO space.
 */
public final class GuestPhysicalLayout {

    /** A device window, such as the local APIC page. */
    public record DeviceWindow(String name, long start, long size) {
        public boolean overlaps(long from, long length) {
            return from < start + size && start < from + length;
        }
    }

    /** The low 1 MiB region that a PC reserves for the BIOS, VGA and option ROMs, from 640 KiB up. */
    public static final long LEGACY_HOLE_START = 0x9FC00;
    public static final long LEGACY_HOLE_END = 0x100000;

    private final MemoryMap ram;
    private final List<DeviceWindow> devices;

    public GuestPhysicalLayout(MemoryMap ram, List<DeviceWindow> devices) {
        this.ram = ram;
        this.devices = List.copyOf(devices);
    }

    /**
     * The standard PC layout for {@code ramBytes} of RAM: up to 3 GiB below 4 GiB and the rest
     * from 4 GiB, leaving room under 4 GiB for the IOAPIC and local APIC windows.
     */
    public static GuestPhysicalLayout pc(long ramBytes) {
        long below4g = Math.min(ramBytes, 0xC000_0000L);
        List<MemoryMap.Region> regions = new ArrayList<>();
        regions.add(new MemoryMap.Region(0, below4g));
        if (ramBytes > below4g) {
            regions.add(new MemoryMap.Region(0x1_0000_0000L, ramBytes - below4g));
        }
        return new GuestPhysicalLayout(new MemoryMap(regions), List.of(
            new DeviceWindow("IOAPIC", 0xFEC0_0000L, 0x1000),
            new DeviceWindow("local APIC", 0xFEE0_0000L, 0x1000)));
    }

    public MemoryMap memoryMap() {
        return ram;
    }

    /** The first byte above RAM that starts at address 0. */
    public long lowRamEnd() {
        for (MemoryMap.Region region : ram.regions()) {
            if (region.guestPhysical() == 0) {
                return region.end();
            }
        }
        return 0;
    }

    /**
     * Checks that {@code [start, start+length)} lies in RAM, naming what was hit otherwise.
     *
     * @param what the thing being placed, for the message ("segment 1 of kernel.elf")
     */
    public void checkLoadable(String what, long start, long length) throws BootException {
        if (length == 0) {
            return;
        }
        for (DeviceWindow device : devices) {
            if (device.overlaps(start, length)) {
                throw new BootException(String.format("%s at 0x%x-0x%x overlaps device memory (%s at 0x%x)", what, start,
                    start + length - 1, device.name(), device.start()));
            }
        }
        for (MemoryMap.Region region : ram.regions()) {
            if (start >= region.guestPhysical() && start + length <= region.end()) {
                return;
            }
            if (region.contains(start)) {
                long neededMib = (start + length + (1 << 20) - 1) >> 20;
                throw new BootException(String.format("%s at 0x%x-0x%x does not fit: too little memory (the guest has "
                    + "%d MiB; give it at least --memory %dM)", what, start, start + length - 1, ram.totalRam() >> 20,
                    neededMib));
            }
        }
        throw new BootException(String.format("%s at 0x%x-0x%x lies outside guest RAM (%d MiB from 0x0): "
            + "give the guest more memory or link the image lower", what, start, start + length - 1,
            ram.totalRam() >> 20));
    }
}
