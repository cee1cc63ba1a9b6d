package dev.hve.vmx;

import dev.hve.api.CpuidLeaf;
import dev.hve.api.HostCpu;
import dev.hve.emulator.cpuid.CpuModel;
import dev.hve.emulator.cpuid.CpuModels;

/** Modeled host CPUs for tests. */
final class TestHosts {

    private TestHosts() {
    }

    static HostCpu of(CpuModel model) {
        return new HostCpu() {
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
        };
    }

    static HostCpu intel() {
        return of(CpuModels.intel());
    }

    static HostCpu amd() {
        return of(CpuModels.amd());
    }
}
