package dev.hve.bench;

import dev.hve.api.CpuidLeaf;
import dev.hve.api.HostCpu;
import dev.hve.emulator.cpuid.CpuModel;

/** One of the core's CPU models presented as the host CPU that backends probe. */
final class ModelHost implements HostCpu {

    private final CpuModel model;

    ModelHost(CpuModel model) {
        this.model = model;
    }

    @Override
    public CpuidLeaf cpuid(int leaf, int subleaf) {
        int[] out = new int[4];
        model.cpuid(leaf, subleaf, out);
        return new CpuidLeaf(out[0], out[1], out[2], out[3]);
    }

    @Override
    public String name() {
        return model.name();
    }
}
