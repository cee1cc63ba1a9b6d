package dev.hve.platform.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hve.api.CpuidLeaf;
import dev.hve.api.HostCpu;
import org.junit.jupiter.api.Test;

/** What the guest's CPUID exits return for leaf 1: its APIC ID, no VMX, the hypervisor bit, OSXSAVE from CR4. */
class CpuidPolicyTest {

    /** A host with XSAVE (ECX bit 26), VMX (bit 5) and, wrongly for a table, OSXSAVE (bit 27) set. */
    private static final HostCpu HOST = new HostCpu() {
        @Override
        public CpuidLeaf cpuid(int leaf, int subleaf) {
            return leaf == 1 ? new CpuidLeaf(0x50654, 0x0001_0800, 1 << 26 | 1 << 27 | 1 << 5, 0) : CpuidLeaf.ZERO;
        }

        @Override
        public String name() {
            return "test";
        }
    };

    @Test
    void osxsaveFollowsTheVcpusCr4() {
        CpuidPolicy policy = new CpuidPolicy(HOST);
        CpuidLeaf off = policy.leaf(1, 0, 2, 0);
        assertEquals(1 << 26 | 1 << 31, off.ecx(), "XSAVE, hypervisor; no VMX, no OSXSAVE with CR4.OSXSAVE = 0");
        assertEquals(2, off.ebx() >>> 24, "initial APIC ID = vCPU index");
        CpuidLeaf on = policy.leaf(1, 0, 0, 1L << 18 | 1L << 9);
        assertEquals(1 << 26 | 1 << 27 | 1 << 31, on.ecx(), "OSXSAVE with CR4.OSXSAVE = 1");
    }
}
