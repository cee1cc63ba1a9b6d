package dev.hve.cli.host;

import dev.hve.api.CpuidLeaf;
import dev.hve.api.HostCpu;
import dev.hve.emulator.cpuid.CpuModel;

/** Presents one of the core's CPU models as the host CPU the backends probe. */
public final class ModeledHostCpu implements HostCpu {

    private final CpuModel model;

    public ModeledHostCpu(CpuModel model) {
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
