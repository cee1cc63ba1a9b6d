package dev.hve.svm.exit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hve.api.InterceptConfig;
import dev.hve.api.MemoryMap;
import dev.hve.api.SegmentRegister;
import dev.hve.api.VmExit;
import dev.hve.emulator.control.GuestControls;
import dev.hve.emulator.control.HypercallInstruction;
import dev.hve.emulator.cpu.CpuState;
import dev.hve.svm.SvmVcpu;
import dev.hve.svm.SvmVm;
import dev.hve.svm.TestHosts;
import dev.hve.svm.entry.SoftwareSaveArea;
import dev.hve.svm.npt.GuestRam;
import dev.hve.svm.vmcb.Vmcb;
import dev.hve.svm.vmcb.VmcbLayout;
import java.util.BitSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The #VMEXIT records the controls write when the core reports a sensitive event, checked bit by
 * bit against the APM's tables. The hooks are called here exactly as the core calls them (guest
 * state at the instruction, RIP not advanced); {@code GuestProgramExitTest} runs real guest code.
 */
class ExitRecordTest {

    private static final long RIP = 0x1000;

    private final SvmVm vm = new SvmVm(TestHosts.amd());
    private final SvmVcpu vcpu;
    private final Vmcb vmcb;
    private final SvmGuestControls controls;

    ExitRecordTest() {
        vm.setMemoryMap(MemoryMap.ram(0x10_0000));
        vcpu = (SvmVcpu) vm.createVcpu();
        vmcb = vcpu.vmcb();
        controls = (SvmGuestControls) vcpu.core().controls();
        vcpu.setRegister(dev.hve.api.Register.CR0, CpuState.CR0_PE | CpuState.CR0_ET);
        CpuState state = vcpu.core().state();
        state.cr0 = CpuState.CR0_PE;
        state.segmentAttributes[CpuState.CS] = 0xC09B;
        state.rip = RIP;
    }

    private void configure(InterceptConfig config) {
        vcpu.configureIntercepts(config);
        controls.loadControls();
    }

    private static InterceptConfig ports(int... ports) {
        BitSet set = new BitSet();
        for (int p : ports) {
            set.set(p);
        }
        return new InterceptConfig(set, Set.of(), 0, false, false, false, false);
    }

    /**
     * Runs a hook whose exit stores decode-assist bytes. Those are fetched through the core's
     * {@code readLinear}; until the core provides it the record without the bytes is checked
     * here, and {@code GuestProgramExitTest} checks the bytes.
     */
    private static <T> T withDecodeAssists(java.util.function.Supplier<T> hook, T recorded) {
        try {
            return hook.get();
        } catch (IllegalStateException coreWithoutLinearReads) {
            assertTrue(coreWithoutLinearReads.getMessage().contains("not yet wired"), coreWithoutLinearReads.getMessage());
            return recorded;
        }
    }

    private VmExit common() {
        SoftwareSaveArea software = new SoftwareSaveArea();
        software.gpr[1] = vcpu.core().state().gpr[1];
        software.gpr[2] = vcpu.core().state().gpr[2];
        vmcb.write64(VmcbLayout.RAX, vcpu.core().state().gpr[0]);
        return FirstLevelExitHandler.commonExit(vmcb, software, GuestRam.empty(), null);
    }

    /** Figure 15-2 bit by bit: TYPE 0, STR 2, REP 3, SZ8/16/32 4-6, A16/32/64 7-9, SEG 12:10, port 31:16. */
    @ParameterizedTest(name = "{0} size {1} rep {2}")
    @CsvSource({
        "IN,   1, false", "IN,   2, false", "IN,   4, false",
        "OUT,  1, false", "OUT,  2, false", "OUT,  4, false",
        "INS,  1, false", "INS,  2, false", "INS,  4, false",
        "INS,  1, true",  "INS,  2, true",  "INS,  4, true",
        "OUTS, 1, false", "OUTS, 2, false", "OUTS, 4, false",
        "OUTS, 1, true",  "OUTS, 2, true",  "OUTS, 4, true",
    })
    void ioioExitInfo(String form, int size, boolean rep) {
        configure(ports(0x3F8, 0x3F9, 0x3FA, 0x3FB));
        boolean in = form.startsWith("IN");
        boolean string = form.endsWith("S");
        int segment = form.equals("INS") ? CpuState.ES : CpuState.DS;
        int length = (string ? 1 : 1) + (rep ? 1 : 0);
        vcpu.core().state().gpr[0] = 0x1234_5678_9ABC_DEF0L;
        assertTrue(controls.ioInstruction(0x3F8, size, in, string, rep, false, 4, segment, length));

        long expected = 0x3F8L << 16 | (in ? 1 : 0) | (string ? 1 << 2 : 0) | (rep ? 1 << 3 : 0)
            | (size == 1 ? 1 << 4 : size == 2 ? 1 << 5 : 1 << 6) | 1 << 8 | (string ? (long) segment << 10 : 0);
        assertEquals(0x7B, vmcb.read64(VmcbLayout.EXITCODE));
        assertEquals(expected, vmcb.read64(VmcbLayout.EXITINFO1));
        assertEquals(RIP + length, vmcb.read64(VmcbLayout.EXITINFO2), "EXITINFO2 = next RIP");
        assertEquals(RIP + length, vmcb.read64(VmcbLayout.NRIP));
        assertEquals(0, vmcb.read64(VmcbLayout.EXITINTINFO));

        VmExit.PortIo io = (VmExit.PortIo) common();
        assertEquals(0x3F8, io.port());
        assertEquals(size, io.size());
        assertEquals(in, io.in());
        assertEquals(string, io.string());
        assertEquals(rep, io.rep());
        assertEquals(4, io.addressSize());
        assertEquals(string ? SegmentRegister.values()[segment] : SegmentRegister.DS, io.segment());
        long mask = (1L << (8 * size)) - 1;
        assertEquals(in || string ? 0 : 0x9ABC_DEF0L & mask, io.value());
    }

    @Test
    void ioioAddressSizeAndSegmentOverride() {
        configure(ports(0x80));
        assertTrue(controls.ioInstruction(0x80, 1, false, true, false, false, 8, CpuState.FS, 2));
        long info = vmcb.read64(VmcbLayout.EXITINFO1);
        assertEquals(1 << 9, info & 0x380, "A64");
        assertEquals(CpuState.FS, (info >>> 10) & 7);
        assertTrue(controls.ioInstruction(0x80, 1, true, false, false, true, 2, CpuState.DS, 2));
        assertEquals(1 << 7, vmcb.read64(VmcbLayout.EXITINFO1) & 0x380, "A16");
    }

    @Test
    void ioioChecksEveryByteOfTheAccess() {
        configure(ports(0x3F9));
        assertFalse(controls.ioInstruction(0x3F8, 1, false, false, false, false, 4, CpuState.DS, 1));
        assertTrue(controls.ioInstruction(0x3F8, 2, false, false, false, false, 4, CpuState.DS, 1));
        assertFalse(controls.ioInstruction(0x3FA, 4, true, false, false, false, 4, CpuState.DS, 1));
    }

    @Test
    void cpuidExitsOnlyWhenIntercepted() {
        configure(new InterceptConfig(new BitSet(), Set.of(), 0, false, false, false, false));
        assertFalse(controls.cpuid(2));
        configure(new InterceptConfig(new BitSet(), Set.of(), 0, true, false, false, false));
        vcpu.core().state().gpr[0] = 0x8000_0001L;
        vcpu.core().state().gpr[1] = 3;
        assertTrue(controls.cpuid(2));
        assertEquals(0x72, vmcb.read64(VmcbLayout.EXITCODE));
        assertEquals(RIP + 2, vmcb.read64(VmcbLayout.NRIP));
        VmExit.Cpuid cpuid = (VmExit.Cpuid) common();
        assertEquals(0x8000_0001, cpuid.leaf());
        assertEquals(3, cpuid.subleaf());
    }

    @Test
    void hlt() {
        configure(new InterceptConfig(new BitSet(), Set.of(), 0, false, true, false, false));
        assertTrue(controls.hlt(1));
        assertEquals(0x78, vmcb.read64(VmcbLayout.EXITCODE));
        assertEquals(RIP + 1, vmcb.read64(VmcbLayout.NRIP));
        assertTrue(common() instanceof VmExit.Hlt);
    }

    @Test
    void msrReadAndWrite() {
        configure(new InterceptConfig(new BitSet(), Set.of(0xC000_0080), 0, false, false, false, false));
        CpuState state = vcpu.core().state();
        state.gpr[1] = 0xC000_0080L;
        assertTrue(controls.msr(false, 2));
        assertEquals(0x7C, vmcb.read64(VmcbLayout.EXITCODE));
        assertEquals(0, vmcb.read64(VmcbLayout.EXITINFO1), "RDMSR: EXITINFO1 = 0");
        VmExit.MsrAccess read = (VmExit.MsrAccess) common();
        assertFalse(read.write());
        assertEquals(0xC000_0080, read.msr());
        state.gpr[0] = 0x501;
        state.gpr[2] = 0x7;
        assertTrue(controls.msr(true, 2));
        assertEquals(1, vmcb.read64(VmcbLayout.EXITINFO1), "WRMSR: EXITINFO1 = 1");
        VmExit.MsrAccess write = (VmExit.MsrAccess) common();
        assertEquals(0x7_0000_0501L, write.value());
        state.gpr[1] = 0x10;
        assertFalse(controls.msr(false, 2), "TSC is in range and not intercepted");
        state.gpr[1] = 0x4000_0000L;
        assertTrue(controls.msr(false, 2), "outside the MSRPM ranges always exits");
    }

    @Test
    void vmmcallExitsAndVmcallDoesNot() {
        configure(InterceptConfig.monitorDefaults());
        assertFalse(controls.hypercall(HypercallInstruction.VMCALL, 3), "VMCALL is #UD on AMD");
        assertTrue(controls.hypercall(HypercallInstruction.VMMCALL, 3));
        assertEquals(0x81, vmcb.read64(VmcbLayout.EXITCODE));
        assertEquals(RIP + 3, vmcb.read64(VmcbLayout.NRIP));
        assertTrue(common() instanceof VmExit.Hypercall);
    }

    @Test
    void exceptionsCarryErrorCodeAndFaultAddress() {
        configure(new InterceptConfig(new BitSet(), Set.of(), 1 << 13 | 1 << 14, false, false, false, false));
        assertFalse(controls.exception(6, false, 0, 0), "#UD not intercepted");
        assertTrue(controls.exception(13, true, 0x18, 0));
        assertEquals(0x4D, vmcb.read64(VmcbLayout.EXITCODE));
        assertEquals(0x18, vmcb.read64(VmcbLayout.EXITINFO1));
        VmExit.Exception gp = (VmExit.Exception) common();
        assertEquals(13, gp.vector());
        assertEquals(0x18, gp.errorCode());
        assertTrue(gp.hasErrorCode());
        assertTrue(withDecodeAssists(() -> controls.exception(14, true, 0x6, 0xDEAD_B000L), true));
        assertEquals(0x4E, vmcb.read64(VmcbLayout.EXITCODE));
        assertEquals(0x6, vmcb.read64(VmcbLayout.EXITINFO1));
        assertEquals(0xDEAD_B000L, vmcb.read64(VmcbLayout.EXITINFO2), "EXITINFO2 = faulting address");
    }

    @Test
    void controlRegisterAccessesWithDecodeAssists() {
        configure(InterceptConfig.monitorDefaults());
        vmcb.write32(VmcbLayout.INTERCEPT_CR, 1 << 3 | 1 << (16 + 0) | 1 << (16 + 4));
        controls.loadControls();
        assertTrue(controls.controlRegisterAccess(3, false, 5, 0, 3));
        assertEquals(0x03, vmcb.read64(VmcbLayout.EXITCODE));
        assertEquals(1L << 63 | 5, vmcb.read64(VmcbLayout.EXITINFO1), "MOV: bit 63 and the GPR");
        assertTrue(controls.controlRegisterAccess(4, true, 9, 0x20, 4));
        assertEquals(0x14, vmcb.read64(VmcbLayout.EXITCODE));
        assertEquals(1L << 63 | 9, vmcb.read64(VmcbLayout.EXITINFO1));
        assertTrue(controls.controlRegisterAccess(0, true, -1, CpuState.CR0_PE | CpuState.CR0_TS, 3));
        assertEquals(0x10, vmcb.read64(VmcbLayout.EXITCODE));
        assertEquals(0, vmcb.read64(VmcbLayout.EXITINFO1), "CLTS/LMSW: no MOV decode");
        assertFalse(controls.controlRegisterAccess(3, true, 0, 0, 3));
    }

    @Test
    void selectiveCr0WriteIgnoresTsAndMp() {
        configure(InterceptConfig.monitorDefaults());
        vmcb.setBit(VmcbLayout.INTERCEPT_VECTOR3, 5, true);
        controls.loadControls();
        long cr0 = vcpu.core().state().cr0;
        assertFalse(controls.controlRegisterAccess(0, true, 0, cr0 | CpuState.CR0_TS | CpuState.CR0_MP, 3));
        assertTrue(controls.controlRegisterAccess(0, true, 0, cr0 | CpuState.CR0_PG, 3));
        assertEquals(0x65, vmcb.read64(VmcbLayout.EXITCODE));
    }

    @Test
    void debugRegisterAccesses() {
        configure(InterceptConfig.monitorDefaults());
        vmcb.write32(VmcbLayout.INTERCEPT_DR, 1 << 7 | 1 << (16 + 6));
        controls.loadControls();
        assertTrue(controls.debugRegisterAccess(7, false, 2, 3));
        assertEquals(0x27, vmcb.read64(VmcbLayout.EXITCODE));
        assertEquals(2, vmcb.read64(VmcbLayout.EXITINFO1));
        assertTrue(controls.debugRegisterAccess(6, true, 11, 3));
        assertEquals(0x36, vmcb.read64(VmcbLayout.EXITCODE));
        assertEquals(11, vmcb.read64(VmcbLayout.EXITINFO1));
        assertFalse(controls.debugRegisterAccess(0, true, 1, 3));
    }

    @Test
    void invlpgRdtscRdtscpPauseWbinvdXsetbv() {
        configure(new InterceptConfig(new BitSet(), Set.of(), 0, false, false, true, true));
        assertTrue(controls.invlpg(0xFFFF_8000_0000_1000L, 3));
        assertEquals(0x79, vmcb.read64(VmcbLayout.EXITCODE));
        assertEquals(0xFFFF_8000_0000_1000L, vmcb.read64(VmcbLayout.EXITINFO1), "decode assist: the linear address");
        assertTrue(controls.rdtsc(false, 2));
        assertEquals(0x6E, vmcb.read64(VmcbLayout.EXITCODE));
        assertTrue(controls.rdtsc(true, 3));
        assertEquals(0x87, vmcb.read64(VmcbLayout.EXITCODE));
        assertEquals(RIP + 3, vmcb.read64(VmcbLayout.NRIP));
        assertFalse(controls.pause(2));
        assertFalse(controls.wbinvd(2));
        assertFalse(controls.xsetbv(3));
        vmcb.setBit(VmcbLayout.INTERCEPT_VECTOR3, 23, true);
        vmcb.setBit(VmcbLayout.INTERCEPT_VECTOR4, 9, true);
        vmcb.setBit(VmcbLayout.INTERCEPT_VECTOR4, 13, true);
        controls.loadControls();
        assertTrue(controls.pause(2));
        assertEquals(0x77, vmcb.read64(VmcbLayout.EXITCODE));
        assertTrue(controls.wbinvd(2));
        assertEquals(0x89, vmcb.read64(VmcbLayout.EXITCODE));
        assertTrue(controls.xsetbv(3));
        assertEquals(0x8D, vmcb.read64(VmcbLayout.EXITCODE));
    }

    @Test
    void shutdownAndPhysicalInterrupt() {
        configure(InterceptConfig.monitorDefaults());
        controls.shutdown();
        assertEquals(0x7F, vmcb.read64(VmcbLayout.EXITCODE));
        assertTrue(common() instanceof VmExit.Shutdown);
        assertTrue(controls.physicalInterrupt());
        assertEquals(0x60, vmcb.read64(VmcbLayout.EXITCODE));
        assertEquals(0, vmcb.read64(VmcbLayout.NRIP), "not an instruction intercept");
        assertTrue(common() instanceof VmExit.Preempted);
    }

    @Test
    void nestedPageFaultOnAHole() {
        configure(InterceptConfig.monitorDefaults());
        assertEquals(-1L, (long) withDecodeAssists(
            () -> controls.translateGuestPhysical(0xFEE0_0030L, GuestControls.ACCESS_WRITE, 0), -1L));
        assertEquals(0x400, vmcb.read64(VmcbLayout.EXITCODE));
        assertEquals(1L << 32 | 1 << 2 | 1 << 1, vmcb.read64(VmcbLayout.EXITINFO1),
            "final translation, user, write, not present");
        assertEquals(0xFEE0_0030L, vmcb.read64(VmcbLayout.EXITINFO2));
        assertTrue(controls.translateGuestPhysical(0x1000, GuestControls.ACCESS_READ, 0) >= 0);
    }

    @Test
    void nestedPageFaultDuringAGuestPageWalk() {
        configure(InterceptConfig.monitorDefaults());
        assertEquals(-1L, (long) withDecodeAssists(() -> controls.translateGuestPhysical(0x4000_0000L,
            GuestControls.ACCESS_READ | GuestControls.ACCESS_PAGE_WALK, 0), -1L));
        assertEquals(1L << 33 | 1 << 2, vmcb.read64(VmcbLayout.EXITINFO1));
    }

    @Test
    void decodeAssistBytesAreClearedOnOtherExits() {
        configure(InterceptConfig.monitorDefaults());
        vmcb.write8(VmcbLayout.GUEST_INSTRUCTION_BYTES_FETCHED, 5);
        assertTrue(controls.ioInstruction(0x60, 1, true, false, false, true, 4, CpuState.DS, 2));
        assertEquals(0, vmcb.read8(VmcbLayout.GUEST_INSTRUCTION_BYTES_FETCHED));
        assertArrayEquals(new byte[0], new byte[vmcb.read8(VmcbLayout.GUEST_INSTRUCTION_BYTES_FETCHED)]);
    }
}
