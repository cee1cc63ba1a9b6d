package dev.hve.platform.machine;

import dev.hve.api.GuestMemory;
import dev.hve.api.HostCpu;
import dev.hve.api.device.MmioDevice;
import dev.hve.api.device.PortDevice;
import dev.hve.api.extension.CpuidProvider;
import dev.hve.api.extension.ExtensionContext;
import dev.hve.api.extension.HypercallHandler;
import dev.hve.api.extension.MsrProvider;
import dev.hve.api.extension.PlatformExtension;
import dev.hve.platform.dispatch.CpuidPolicy;
import dev.hve.platform.dispatch.HypercallDispatch;
import dev.hve.platform.dispatch.MsrPolicy;
import dev.hve.platform.io.IoPortBus;
import dev.hve.platform.mmio.MmioBus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Lets platform extensions add their parts to the machine through the SDK's {@link ExtensionContext}. */
final class ExtensionInstaller implements ExtensionContext {

    private static final Logger LOG = LoggerFactory.getLogger(ExtensionInstaller.class);

    private final HostCpu host;
    private final GuestMemory memory;
    private final IoPortBus ioBus;
    private final MmioBus mmioBus;
    private final CpuidPolicy cpuid;
    private final MsrPolicy msrs;
    private final HypercallDispatch hypercalls;
    private String installing = "";

    ExtensionInstaller(HostCpu host, GuestMemory memory, IoPortBus ioBus, MmioBus mmioBus, CpuidPolicy cpuid,
                       MsrPolicy msrs, HypercallDispatch hypercalls) {
        this.host = host;
        this.memory = memory;
        this.ioBus = ioBus;
        this.mmioBus = mmioBus;
        this.cpuid = cpuid;
        this.msrs = msrs;
        this.hypercalls = hypercalls;
    }

    void install(PlatformExtension extension) {
        installing = extension.name();
        extension.install(this);
        LOG.info("installed platform extension {}", extension.name());
        installing = "";
    }

    @Override
    public HostCpu hostCpu() {
        return host;
    }

    @Override
    public GuestMemory guestMemory() {
        return memory;
    }

    @Override
    public void addPortDevice(int first, int count, PortDevice device) {
        LOG.debug("{}: device {} at ports 0x{}+{}", installing, device.name(), Integer.toHexString(first), count);
        ioBus.register(first, count, device);
    }

    @Override
    public void addMmioDevice(long base, long size, MmioDevice device) {
        if (memory.isRam(base) || memory.isRam(base + size - 1)) {
            throw new IllegalArgumentException(String.format("extension %s: MMIO window 0x%x+0x%x of %s overlaps RAM",
                installing, base, size, device.name()));
        }
        LOG.debug("{}: device {} at 0x{}+0x{}", installing, device.name(), Long.toHexString(base),
            Long.toHexString(size));
        mmioBus.register(base, size, device);
    }

    @Override
    public void addHypercallHandler(HypercallHandler handler) {
        hypercalls.add(handler);
    }

    @Override
    public void addCpuidProvider(CpuidProvider provider) {
        cpuid.add(provider);
    }

    @Override
    public void addMsrProvider(MsrProvider provider) {
        msrs.add(provider);
    }
}
