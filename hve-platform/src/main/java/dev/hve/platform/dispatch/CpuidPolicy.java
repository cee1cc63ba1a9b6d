package dev.hve.platform.dispatch;

import dev.hve.api.CpuidLeaf;
import dev.hve.api.HostCpu;
import dev.hve.api.extension.CpuidProvider;
import java.util.ArrayList;
import java.util.List;

/**
 * Guest-visible CPUID: the host model's leaves with what the guest must not see masked off (the
 * virtualization extensions themselves) and the hypervisor-present bit set, as KVM and Xen
 * report. Extensions adjust leaves through {@link CpuidProvider}s.
 */
public final class CpuidPolicy {

    /** CPUID.1:ECX bit 5, VMX. */
    private static final int LEAF1_ECX_VMX = 1 << 5;
    /** CPUID.1:ECX bit 27, OSXSAVE: CR4.OSXSAVE (bit 18) as the guest has set it. */
    private static final int LEAF1_ECX_OSXSAVE = 1 << 27;
    private static final long CR4_OSXSAVE = 1L << 18;
    /** CPUID.1:ECX bit 31: a hypervisor is present (reserved for that use by both vendors). */
    private static final int LEAF1_ECX_HYPERVISOR = 1 << 31;
    /** CPUID.80000001h:ECX bit 2, SVM. */
    private static final int EXT1_ECX_SVM = 1 << 2;

    private final HostCpu host;
    private final List<CpuidProvider> providers = new ArrayList<>();

    public CpuidPolicy(HostCpu host) {
        this.host = host;
    }

    /** Lets an extension adjust leaves after the platform's own filtering. */
    public void add(CpuidProvider provider) {
        providers.add(provider);
    }

    /**
     * The leaf as vCPU {@code vcpu}, running with {@code cr4}, sees it: CPUID.1:EBX[31:24] is its
     * initial APIC ID, which the platform makes equal to the vCPU index, and CPUID.1:ECX.OSXSAVE
     * mirrors its CR4.OSXSAVE, as the processor's own CPUID does (Intel SDM Vol. 2A, CPUID leaf
     * 01H; KVM updates the bit on CR4 writes likewise).
     */
    public CpuidLeaf leaf(int leaf, int subleaf, int vcpu, long cr4) {
        CpuidLeaf value = leaf(leaf, subleaf);
        if (leaf == 1) {
            int ecx = (cr4 & CR4_OSXSAVE) != 0 ? value.ecx() | LEAF1_ECX_OSXSAVE : value.ecx() & ~LEAF1_ECX_OSXSAVE;
            return new CpuidLeaf(value.eax(), (value.ebx() & 0x00FF_FFFF) | (vcpu << 24), ecx, value.edx());
        }
        return value;
    }

    public CpuidLeaf leaf(int leaf, int subleaf) {
        CpuidLeaf value = filtered(leaf, subleaf);
        for (CpuidProvider provider : providers) {
            value = provider.leaf(leaf, subleaf, value);
        }
        return value;
    }

    private CpuidLeaf filtered(int leaf, int subleaf) {
        CpuidLeaf value = host.cpuid(leaf, subleaf);
        if (leaf == 1) {
            return new CpuidLeaf(value.eax(), value.ebx(), (value.ecx() & ~LEAF1_ECX_VMX) | LEAF1_ECX_HYPERVISOR,
                value.edx());
        }
        if (leaf == 0x8000_0001) {
            return new CpuidLeaf(value.eax(), value.ebx(), value.ecx() & ~EXT1_ECX_SVM, value.edx());
        }
        if (leaf == 0x8000_000A) {
            return CpuidLeaf.ZERO; // no nested SVM for the guest
        }
        return value;
    }
}
