package dev.hve.svm.entry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hve.api.CpuidLeaf;
import dev.hve.api.HostCpu;
import dev.hve.api.MemoryMap;
import dev.hve.api.Register;
import dev.hve.api.Segment;
import dev.hve.api.SegmentRegister;
import dev.hve.api.VmExit;
import dev.hve.emulator.cpuid.CpuModels;
import dev.hve.svm.SvmVcpu;
import dev.hve.svm.SvmVm;
import dev.hve.svm.TestHosts;
import dev.hve.svm.cpu.HostFeatures;
import dev.hve.svm.exit.SvmExitCode;
import dev.hve.svm.intercept.InterceptBits;
import dev.hve.svm.vmcb.Vmcb;
import dev.hve.svm.vmcb.VmcbLayout;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * One test per VMRUN consistency check of AMD APM Vol. 2, §15.5.1: each breaks exactly one
 * condition in an otherwise valid VMCB and expects #VMEXIT with EXITCODE = VMEXIT_INVALID (-1)
 * before any guest instruction runs.
 */
class VmrunChecksTest {

    private static final long CR0_PE = 1;
    private static final long CR0_ET = 1L << 4;
    private static final long CR0_NW = 1L << 29;
    private static final long CR0_PG = 1L << 31;
    private static final long CR4_PAE = 1L << 5;
    private static final long EFER_LME = 1L << 8;
    private static final long EFER_LMA = 1L << 10;
    private static final long EFER_SVME = 1L << 12;

    private SvmVcpu vcpu(HostCpu host) {
        SvmVm vm = new SvmVm(host);
        vm.setMemoryMap(MemoryMap.ram(0x10_0000));
        SvmVcpu vcpu = (SvmVcpu) vm.createVcpu();
        vcpu.setRegister(Register.CR0, CR0_PE | CR0_ET);
        vcpu.setSegment(SegmentRegister.CS, Segment.flat(8, 0xB, 0, true, false));
        vcpu.setSegment(SegmentRegister.SS, Segment.flat(16, 0x3, 0, true, false));
        return vcpu;
    }

    private SvmVcpu vcpu() {
        return vcpu(TestHosts.amd());
    }

    private static void longMode(SvmVcpu vcpu) {
        vcpu.setRegister(Register.CR4, CR4_PAE);
        vcpu.setRegister(Register.EFER, EFER_LME | EFER_LMA);
        vcpu.setRegister(Register.CR0, CR0_PE | CR0_ET | CR0_PG);
        vcpu.setSegment(SegmentRegister.CS, Segment.flat(8, 0xB, 0, false, true));
    }

    /** Breaks one thing and checks VMRUN refuses with VMEXIT_INVALID naming {@code expected}. */
    private void assertInvalid(SvmVcpu vcpu, String expected, Consumer<Vmcb> breakIt) {
        Vmcb vmcb = vcpu.vmcb();
        assertNull(VmrunChecks.check(vmcb, new HostFeatures(TestHosts.amd()), vmcb.memory()),
            "the state before breaking it is valid");
        breakIt.accept(vmcb);
        long rip = vmcb.read64(VmcbLayout.RIP);
        assertEquals(SvmExitCode.VMEXIT_INVALID, vcpu.vmrun(1000));
        assertEquals(-1L, vmcb.read64(VmcbLayout.EXITCODE));
        assertEquals(rip, vmcb.read64(VmcbLayout.RIP), "no guest instruction ran");
        VmExit exit = vcpu.run(1000);
        VmExit.EntryFailure failure = (VmExit.EntryFailure) exit;
        assertEquals(-1L, failure.vendorError());
        assertTrue(failure.reason().contains(expected), failure.reason());
        assertEquals(-1L, vcpu.lastExitRecord().reason());
    }

    @Test
    void validStatesPassEveryCheck() {
        HostFeatures host = new HostFeatures(TestHosts.amd());
        SvmVcpu vcpu = vcpu();
        assertNull(VmrunChecks.check(vcpu.vmcb(), host, vcpu.vmcb().memory()));
        longMode(vcpu);
        assertNull(VmrunChecks.check(vcpu.vmcb(), host, vcpu.vmcb().memory()));
        SvmVcpu fresh = (SvmVcpu) new SvmVm(TestHosts.amd()).createVcpu();
        assertNull(VmrunChecks.check(fresh.vmcb(), host, fresh.vmcb().memory()), "the power-on state");
    }

    @Test
    void eferSvmeClear() {
        assertInvalid(vcpu(), "EFER.SVME", v -> v.write64(VmcbLayout.EFER, v.read64(VmcbLayout.EFER) & ~EFER_SVME));
    }

    @Test
    void cr0NwWithoutCd() {
        assertInvalid(vcpu(), "CR0.CD is zero and CR0.NW", v -> v.write64(VmcbLayout.CR0, CR0_PE | CR0_ET | CR0_NW));
    }

    @Test
    void cr0HighBits() {
        assertInvalid(vcpu(), "CR0[63:32]", v -> v.write64(VmcbLayout.CR0, CR0_PE | CR0_ET | 1L << 32));
    }

    @Test
    void cr3MbzInLegacyMode() {
        assertInvalid(vcpu(), "CR3", v -> v.write64(VmcbLayout.CR3, 1L << 32));
    }

    @Test
    void cr3MbzInLongMode() {
        SvmVcpu vcpu = vcpu();
        longMode(vcpu);
        // The modeled host has a 48-bit physical address width (CPUID 8000_0008h).
        assertInvalid(vcpu, "CR3", v -> v.write64(VmcbLayout.CR3, 1L << 48));
    }

    @Test
    void cr4Mbz() {
        // CR4.VMXE (bit 13) does not exist on AMD processors.
        assertInvalid(vcpu(), "CR4", v -> v.write64(VmcbLayout.CR4, 1L << 13));
    }

    @Test
    void cr4FeatureTheHostLacks() {
        // CR4.LA57 (bit 12) is reserved when CPUID 7:ECX[16] is clear, as on the modeled host.
        assertInvalid(vcpu(), "CR4", v -> v.write64(VmcbLayout.CR4, 1L << 12));
    }

    @Test
    void dr6HighBits() {
        assertInvalid(vcpu(), "DR6[63:32]", v -> v.write64(VmcbLayout.DR6, 0xFFFF_0FF0L | 1L << 40));
    }

    @Test
    void dr7HighBits() {
        assertInvalid(vcpu(), "DR7[63:32]", v -> v.write64(VmcbLayout.DR7, 0x400L | 1L << 63));
    }

    @Test
    void eferMbz() {
        assertInvalid(vcpu(), "EFER", v -> v.write64(VmcbLayout.EFER, EFER_SVME | 1L << 9));
    }

    @Test
    void longModeOnAHostWithoutIt() {
        HostCpu noLongMode = TestHosts.of(CpuModels.amd(), (leaf, value) -> leaf == 0x8000_0001
            ? new CpuidLeaf(value.eax(), value.ebx(), value.ecx(), value.edx() & ~(1 << 29)) : value);
        SvmVcpu vcpu = vcpu(noLongMode);
        vcpu.setRegister(Register.EFER, EFER_LME);
        assertEquals(SvmExitCode.VMEXIT_INVALID, vcpu.vmrun(1000));
        VmExit.EntryFailure failure = (VmExit.EntryFailure) vcpu.run(1000);
        assertTrue(failure.reason().contains("does not support long mode"), failure.reason());
    }

    @Test
    void longModePagingWithoutPae() {
        SvmVcpu vcpu = vcpu();
        longMode(vcpu);
        assertInvalid(vcpu, "CR4.PAE is zero", v -> v.write64(VmcbLayout.CR4, 0));
    }

    @Test
    void longModePagingWithoutProtectedMode() {
        SvmVcpu vcpu = vcpu();
        longMode(vcpu);
        assertInvalid(vcpu, "CR0.PE is zero", v -> v.write64(VmcbLayout.CR0, CR0_ET | CR0_PG));
    }

    @Test
    void longModeCodeSegmentWithLAndD() {
        SvmVcpu vcpu = vcpu();
        longMode(vcpu);
        assertInvalid(vcpu, "CS.L and CS.D", v -> v.write16(VmcbLayout.CS + VmcbLayout.SEGMENT_ATTRIB,
            v.segmentAttrib(VmcbLayout.CS) | 1 << 9 | 1 << 10));
    }

    @Test
    void vmrunInterceptClear() {
        assertInvalid(vcpu(), "VMRUN intercept", v -> v.setBit(VmcbLayout.INTERCEPT_VECTOR4, InterceptBits.VMRUN, false));
    }

    @Test
    void msrpmBeyondMaximumPhysicalAddress() {
        assertInvalid(vcpu(), "MSR permission map", v -> v.write64(VmcbLayout.MSRPM_BASE_PA, (1L << 48) - 0x1000));
    }

    @Test
    void iopmBeyondMaximumPhysicalAddress() {
        assertInvalid(vcpu(), "I/O permission map", v -> v.write64(VmcbLayout.IOPM_BASE_PA, (1L << 48) - 0x2000));
    }

    @Test
    void iopmBeyondModeledMemory() {
        assertInvalid(vcpu(), "I/O permission map", v -> v.write64(VmcbLayout.IOPM_BASE_PA, v.memory().size()));
    }

    @Test
    void eventInjectionWithReservedType() {
        assertInvalid(vcpu(), "TYPE 5", v -> v.write64(VmcbLayout.EVENTINJ, 1L << 31 | 5L << 8 | 0x20));
    }

    @Test
    void eventInjectionOfNmiAsException() {
        assertInvalid(vcpu(), "vector 2", v -> v.write64(VmcbLayout.EVENTINJ, 1L << 31 | 3L << 8 | 2));
    }

    @Test
    void eventInjectionOfExceptionAbove31() {
        assertInvalid(vcpu(), "above 31", v -> v.write64(VmcbLayout.EVENTINJ, 1L << 31 | 3L << 8 | 0x40));
    }

    @Test
    void asidZero() {
        assertInvalid(vcpu(), "ASID", v -> v.write32(VmcbLayout.GUEST_ASID, 0));
    }
}
