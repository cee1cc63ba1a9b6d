package dev.hve.platform.machine;

import dev.hve.api.CpuidLeaf;
import dev.hve.api.HostCpu;
import dev.hve.emulator.cpuid.CpuModel;

/** The host CPU, as the core's emulator needs it for the instructions the platform emulates. */
public final class HostCpuModel implements CpuModel {

    private final HostCpu host;

    public HostCpuModel(HostCpu host) {
        this.host = host;
    }

    @Override
    public String name() {
        return host.name();
    }

    @Override
    public void cpuid(int leaf, int subleaf, int[] out) {
        CpuidLeaf value = host.cpuid(leaf, subleaf);
        out[0] = value.eax();
        out[1] = value.ebx();
        out[2] = value.ecx();
        out[3] = value.edx();
    }
}
