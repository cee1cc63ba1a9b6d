package dev.hve.vmx;

import dev.hve.api.CpuidLeaf;
import dev.hve.api.HostCpu;
import dev.hve.emulator.cpuid.CpuModel;

/** The modeled host CPU of the common API as the core's CPU model: CPUID answers come from the host. */
final class HostCpuModel implements CpuModel {

    private final HostCpu host;

    HostCpuModel(HostCpu host) {
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
