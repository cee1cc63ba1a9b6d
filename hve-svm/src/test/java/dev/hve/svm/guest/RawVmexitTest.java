package dev.hve.svm.guest;

import static dev.hve.svm.guest.GuestHarness.CODE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.hve.api.Register;
import dev.hve.api.VmExit;
import dev.hve.svm.intercept.InterceptBits;
import dev.hve.svm.vmcb.Vmcb;
import dev.hve.svm.vmcb.VmcbLayout;
import java.util.BitSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Exits with no common exit kind (CR/DR accesses, INVLPG, RDTSC, RDTSCP, PAUSE, INVD, WBINVD),
 * observed at the hardware level: the test acts as the hypervisor, sets intercept bits in the VMCB
 * and executes VMRUN ({@code SvmVcpu.vmrun}), then reads the #VMEXIT record.
 */
class RawVmexitTest {

    private static GuestHarness guest(int... code) {
        GuestHarness g = new GuestHarness(code);
        g.intercepts(GuestHarness.config(new BitSet(), Set.of(), 0, false, false, false, false));
        return g;
    }

    private static void assertExit(GuestHarness g, long exitCode, long exitInfo1, long nextRip) {
        Vmcb vmcb = g.vcpu.vmcb();
        assertEquals(exitCode, g.vcpu.vmrun(100), "EXITCODE");
        assertEquals(exitCode, vmcb.read64(VmcbLayout.EXITCODE));
        assertEquals(exitInfo1, vmcb.read64(VmcbLayout.EXITINFO1), "EXITINFO1");
        assertEquals(nextRip, vmcb.read64(VmcbLayout.NRIP), "nRIP");
        assertEquals(0, vmcb.read64(VmcbLayout.EXITINTINFO));
    }

    @Test
    void movFromAndToCr3() {
        // mov eax, cr3 ; mov cr3, ebx
        GuestHarness g = guest(0x0F, 0x20, 0xD8, 0x0F, 0x22, 0xDB);
        g.vcpu.vmcb().write32(VmcbLayout.INTERCEPT_CR, 1 << 3 | 1 << (16 + 3));
        assertExit(g, 0x03, 1L << 63 | 0, CODE + 3); // decode assist: MOV, GPR 0 (EAX)
        g.vcpu.completeInstruction();
        assertExit(g, 0x13, 1L << 63 | 3, CODE + 6); // MOV to CR3 from EBX
    }

    @Test
    void cr4WriteAndCr0SelectiveWrite() {
        // mov cr4, ecx ; mov cr0, edx
        GuestHarness g = guest(0x0F, 0x22, 0xE1, 0x0F, 0x22, 0xC2);
        g.vcpu.vmcb().write32(VmcbLayout.INTERCEPT_CR, 1 << (16 + 4));
        g.vcpu.vmcb().setBit(VmcbLayout.INTERCEPT_VECTOR3, InterceptBits.CR0_SELECTIVE_WRITE, true);
        assertExit(g, 0x14, 1L << 63 | 1, CODE + 3);
        g.vcpu.completeInstruction();
        g.vcpu.setRegister(Register.RDX, 0x11 | 1 << 3); // only TS changes: not a selective-write exit
        assertEquals(0x60, g.vcpu.vmrun(2), "the MOV ran; the budget ended");
        g.vcpu.setRegister(Register.RIP, CODE + 3);
        g.vcpu.setRegister(Register.RDX, 0x11 | 1 << 16); // WP changes
        assertExit(g, 0x65, 1L << 63 | 2, CODE + 6);
    }

    @Test
    void debugRegisters() {
        // mov eax, dr7 ; mov dr6, esi
        GuestHarness g = guest(0x0F, 0x21, 0xF8, 0x0F, 0x23, 0xF6);
        g.vcpu.vmcb().write32(VmcbLayout.INTERCEPT_DR, 1 << 7 | 1 << (16 + 6));
        assertExit(g, 0x27, 0, CODE + 3);
        g.vcpu.completeInstruction();
        assertExit(g, 0x36, 6, CODE + 6);
    }

    @Test
    void invlpgCarriesTheLinearAddress() {
        // mov eax, 0x12345 ; invlpg [eax]
        GuestHarness g = guest(0xB8, 0x45, 0x23, 0x01, 0x00, 0x0F, 0x01, 0x38);
        g.intercepts(GuestHarness.config(new BitSet(), Set.of(), 0, false, false, false, true));
        assertExit(g, 0x79, 0x12345, CODE + 8);
        // Through the common API the backend carries it out: INVLPG has no common exit kind.
        g.vcpu.setRegister(Register.RIP, CODE);
        assertInstanceOf(VmExit.Preempted.class, g.vcpu.run(2));
        assertEquals(CODE + 8, g.rip());
    }

    @Test
    void rdtscRdtscpAndTheTscOffset() {
        // rdtsc ; rdtscp ; rdtsc
        GuestHarness g = guest(0x0F, 0x31, 0x0F, 0x01, 0xF9, 0x0F, 0x31);
        g.intercepts(GuestHarness.config(new BitSet(), Set.of(), 0, false, false, true, false));
        assertExit(g, 0x6E, 0, CODE + 2);
        g.vcpu.completeInstruction();
        assertExit(g, 0x87, 0, CODE + 5);
        g.vcpu.completeInstruction();
        g.intercepts(GuestHarness.config(new BitSet(), Set.of(), 0, false, false, false, false));
        g.hypervisor().write64(VmcbLayout.TSC_OFFSET, 1_000_000);
        assertEquals(0x60, g.vcpu.vmrun(1));
        long tsc = (g.vcpu.register(Register.RDX) << 32) | g.vcpu.register(Register.RAX);
        assertEquals(1_000_000, tsc, 1_000, "RDTSC = the core's counter + TSC_OFFSET");
    }

    @Test
    void pauseWithAndWithoutTheFilter() {
        // pause ; pause ; pause
        GuestHarness g = guest(0xF3, 0x90, 0xF3, 0x90, 0xF3, 0x90);
        g.vcpu.vmcb().setBit(VmcbLayout.INTERCEPT_VECTOR3, InterceptBits.PAUSE, true);
        assertExit(g, 0x77, 0, CODE + 2);
        // The modeled host lacks PauseFilter (CPUID 8000_000Ah:EDX[10]): the count is ignored.
        g.vcpu.setRegister(Register.RIP, CODE);
        g.hypervisor().write16(VmcbLayout.PAUSE_FILTER_COUNT, 3);
        assertExit(g, 0x77, 0, CODE + 2);

        dev.hve.api.HostCpu filtering = dev.hve.svm.TestHosts.of(dev.hve.emulator.cpuid.CpuModels.amd(),
            (leaf, v) -> leaf == 0x8000_000A ? new dev.hve.api.CpuidLeaf(v.eax(), v.ebx(), v.ecx(), v.edx() | 1 << 10) : v);
        GuestHarness f = new GuestHarness(filtering, 0xF3, 0x90, 0xF3, 0x90, 0xF3, 0x90);
        f.intercepts(GuestHarness.config(new BitSet(), Set.of(), 0, false, false, false, false));
        f.vcpu.vmcb().setBit(VmcbLayout.INTERCEPT_VECTOR3, InterceptBits.PAUSE, true);
        f.vcpu.vmcb().write16(VmcbLayout.PAUSE_FILTER_COUNT, 3);
        assertExit(f, 0x77, 0, CODE + 6); // with the filter, the third PAUSE exits
    }

    @Test
    void rdpmc() {
        // xor ecx, ecx ; rdpmc
        GuestHarness g = guest(0x31, 0xC9, 0x0F, 0x33);
        g.vcpu.vmcb().setBit(VmcbLayout.INTERCEPT_VECTOR3, InterceptBits.RDPMC, true);
        assertExit(g, 0x6F, 0, CODE + 4);
        g.vcpu.setRegister(Register.RIP, CODE);
        assertInstanceOf(VmExit.Preempted.class, g.vcpu.run(2), "carried out by the backend");
        assertEquals(CODE + 4, g.rip());
    }

    @Test
    void invdAndWbinvd() {
        // invd ; wbinvd
        GuestHarness g = guest(0x0F, 0x08, 0x0F, 0x09);
        g.vcpu.vmcb().setBit(VmcbLayout.INTERCEPT_VECTOR3, InterceptBits.INVD, true);
        g.vcpu.vmcb().setBit(VmcbLayout.INTERCEPT_VECTOR4, InterceptBits.WBINVD, true);
        assertExit(g, 0x76, 0, CODE + 2);
        g.vcpu.completeInstruction();
        assertExit(g, 0x89, 0, CODE + 4);
    }

    @Test
    void guestStateIsSavedToTheSaveAreaOnExit() {
        // mov eax, 0x11 ; mov esp, 0x7000 ; mov ecx, 0x22 ; out 0x80, al
        GuestHarness g = new GuestHarness(0xB8, 0x11, 0, 0, 0, 0xBC, 0x00, 0x70, 0, 0, 0xB9, 0x22, 0, 0, 0, 0xE6, 0x80);
        assertEquals(0x7B, g.vcpu.vmrun(100));
        Vmcb vmcb = g.vcpu.vmcb();
        assertEquals(0x11, vmcb.read64(VmcbLayout.RAX));
        assertEquals(0x7000, vmcb.read64(VmcbLayout.RSP));
        assertEquals(CODE + 15, vmcb.read64(VmcbLayout.RIP));
        assertEquals(0x22, g.vcpu.register(Register.RCX), "RCX lives in the software save area");
    }
}
