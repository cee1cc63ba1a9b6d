package dev.hve.api.extension;

import dev.hve.api.CpuidLeaf;

/** Adjusts guest-visible CPUID leaves, for example to advertise a paravirtual interface. */
public interface CpuidProvider {

    /**
     * Returns the leaf the guest should see, given what the platform would show otherwise.
     * Return {@code current} unchanged for leaves this provider does not own.
     */
    CpuidLeaf leaf(int leaf, int subleaf, CpuidLeaf current);
}
