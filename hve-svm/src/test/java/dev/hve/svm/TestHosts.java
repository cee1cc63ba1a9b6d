package dev.hve.svm;

import dev.hve.api.CpuidLeaf;
import dev.hve.api.HostCpu;
import dev.hve.emulator.cpuid.CpuModel;
import dev.hve.emulator.cpuid.CpuModels;

/** Modeled host CPUs for tests, built from the emulator's CPU models. */
public final class TestHosts {

    private TestHosts() {
    }

    public static HostCpu of(CpuModel model) {
        return of(model, (leaf, value) -> value);
    }

    /** A host whose CPUID answers pass through {@code edit} (leaf, original) -> changed. */
    public static HostCpu of(CpuModel model, LeafEditor edit) {
        return new HostCpu() {
            @Override
            public CpuidLeaf cpuid(int leaf, int subleaf) {
                int[] out = new int[4];
                model.cpuid(leaf, subleaf, out);
                return edit.edit(leaf, new CpuidLeaf(out[0], out[1], out[2], out[3]));
            }

            @Override
            public String name() {
                return model.name();
            }
        };
    }

    public static HostCpu amd() {
        return of(CpuModels.amd());
    }

    public static HostCpu intel() {
        return of(CpuModels.intel());
    }

    /** Rewrites one CPUID leaf. */
    @FunctionalInterface
    public interface LeafEditor {
        CpuidLeaf edit(int leaf, CpuidLeaf value);
    }

}
