package dev.hve.api.extension;

import dev.hve.api.GuestMemory;
import dev.hve.api.HostCpu;
import dev.hve.api.device.MmioDevice;
import dev.hve.api.device.PortDevice;

/** What a {@link PlatformExtension} may add to the virtual PC while it is being built. */
public interface ExtensionContext {

    HostCpu hostCpu();

    GuestMemory guestMemory();

    /** Claims {@code count} ports from {@code first}; an overlap with any device is an error. */
    void addPortDevice(int first, int count, PortDevice device);

    /** Claims a guest-physical window that no RAM backs; an overlap is an error. */
    void addMmioDevice(long base, long size, MmioDevice device);

    void addHypercallHandler(HypercallHandler handler);

    void addCpuidProvider(CpuidProvider provider);

    void addMsrProvider(MsrProvider provider);
}
