package dev.hve.svm.guest;

import static dev.hve.svm.guest.GuestHarness.CODE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hve.api.CpuidLeaf;
import dev.hve.api.HostCpu;
import dev.hve.api.MemoryMap;
import dev.hve.api.Register;
import dev.hve.api.VmExit;
import dev.hve.emulator.cpuid.CpuModels;
import dev.hve.svm.SvmVcpu;
import dev.hve.svm.SvmVm;
import dev.hve.svm.TestHosts;
import dev.hve.svm.cpu.HostFeatures;
import dev.hve.svm.vmcb.VintrControl;
import dev.hve.svm.vmcb.VmcbLayout;
import org.junit.jupiter.api.Test;

/** V_IRQ delivery without the VINTR intercept, and the SVM features of CPUID Fn8000_000A. */
class VirtualInterruptAndFeatureTest {

    /** sti ; jmp $ with a handler for 0x21 at 0x1800 that writes 0x21 to port 0x80. */
    private static GuestHarness withHandler() {
        GuestHarness g = new GuestHarness(0xFB, 0xEB, 0xFE);
        g.vm.memory().write(0x1800, new byte[] {(byte) 0xB0, 0x21, (byte) 0xE6, (byte) 0x80}, 0, 4);
        g.gate(0x21, 0x1800);
        return g;
    }

    private static void pendVirtualInterrupt(GuestHarness g, int priority, boolean ignoreTpr) {
        long vintr = g.vcpu.vmcb().read64(VmcbLayout.VINTR_CONTROL);
        vintr |= VintrControl.V_IRQ | (long) priority << VintrControl.V_INTR_PRIO_SHIFT | 0x21L << 32
            | (ignoreTpr ? VintrControl.V_IGN_TPR : 0);
        g.vcpu.vmcb().write64(VmcbLayout.VINTR_CONTROL, vintr);
    }

    @Test
    void virtualInterruptIsDeliveredThroughTheGuestIdtWithoutTheIntercept() {
        GuestHarness g = withHandler();
        pendVirtualInterrupt(g, 2, false);
        VmExit.PortIo io = assertInstanceOf(VmExit.PortIo.class, g.vcpu.run(100));
        assertEquals(0x80, io.port());
        assertEquals(0, g.vcpu.vmcb().read64(VmcbLayout.VINTR_CONTROL) & VintrControl.V_IRQ, "V_IRQ cleared when taken");
        assertEquals(CODE + 1, g.vm.memory().readValue(GuestHarness.STACK - 12, 4),
            "interrupted after STI's shadow, at the JMP");
    }

    @Test
    void vTprMasksLowerPriorityVirtualInterrupts() {
        GuestHarness g = withHandler();
        g.vcpu.setRegister(Register.CR8, 3);
        pendVirtualInterrupt(g, 2, false);
        assertInstanceOf(VmExit.Preempted.class, g.vcpu.run(100), "priority 2 <= V_TPR 3: not taken");
        g.vcpu.setRegister(Register.CR8, 1);
        assertInstanceOf(VmExit.PortIo.class, g.vcpu.run(100));
    }

    @Test
    void featuresAreReadFromCpuidFn8000000A() {
        HostFeatures features = new HostFeatures(TestHosts.amd());
        assertTrue(features.nestedPaging());
        assertTrue(features.nrips());
        assertTrue(features.vmcbClean());
        assertTrue(features.flushByAsid());
        assertTrue(features.decodeAssists());
        assertEquals(0x8000, features.asidCount());
        assertEquals(48, features.maxPhysicalAddressBits());
    }

    private static HostCpu withSvmFeatures(int edx) {
        return TestHosts.of(CpuModels.amd(), (leaf, v) -> leaf == 0x8000_000A ? new CpuidLeaf(v.eax(), v.ebx(), v.ecx(), edx) : v);
    }

    private static SvmVcpu vcpuOn(HostCpu host, int... code) {
        SvmVm vm = new SvmVm(host);
        vm.setMemoryMap(MemoryMap.ram(0x20_0000));
        GuestHarness shape = new GuestHarness(code);
        SvmVcpu vcpu = (SvmVcpu) vm.createVcpu();
        byte[] bytes = new byte[code.length];
        for (int i = 0; i < code.length; i++) {
            bytes[i] = (byte) code[i];
        }
        vm.memory().write(CODE, bytes, 0, bytes.length);
        for (Register r : new Register[] {Register.CR0, Register.RIP, Register.RSP, Register.RFLAGS}) {
            vcpu.setRegister(r, shape.vcpu.register(r));
        }
        for (dev.hve.api.SegmentRegister s : dev.hve.api.SegmentRegister.values()) {
            vcpu.setSegment(s, shape.vcpu.segment(s));
        }
        return vcpu;
    }

    @Test
    void withoutDecodeAssistsNoInstructionBytesAreProvided() {
        // mov eax, [0xFEE00030]
        SvmVcpu vcpu = vcpuOn(withSvmFeatures(1 | 1 << 3), 0xA1, 0x30, 0x00, 0xE0, 0xFE);
        VmExit.MmioAccess mmio = assertInstanceOf(VmExit.MmioAccess.class, vcpu.run(10));
        assertEquals(0, mmio.instructionBytes().length);
        assertEquals(0, vcpu.vmcb().read8(VmcbLayout.GUEST_INSTRUCTION_BYTES_FETCHED));
    }

    @Test
    void withoutNripsThereIsNoNextRip() {
        // out 0x80, al
        SvmVcpu vcpu = vcpuOn(withSvmFeatures(1 | 1 << 7), 0xE6, 0x80);
        assertInstanceOf(VmExit.PortIo.class, vcpu.run(10));
        assertEquals(0, vcpu.vmcb().read64(VmcbLayout.NRIP));
        assertThrows(IllegalStateException.class, vcpu::completeInstruction);
    }

    @Test
    void nestedPagingIsRequired() {
        assertThrows(IllegalStateException.class, () -> new SvmVm(withSvmFeatures(1 << 3)));
    }

    @Test
    void monitorReadsGuestMemoryThroughGuestPaging() {
        GuestHarness g = new GuestHarness(0x90, 0x90, 0xF4).longMode();
        byte[] bytes = new byte[3];
        assertEquals(3, g.vcpu.readLinear(CODE, bytes, 3));
        assertArrayEquals(new byte[] {(byte) 0x90, (byte) 0x90, (byte) 0xF4}, bytes);
        assertEquals(0, g.vcpu.readLinear(0x40_0000, bytes, 3), "not mapped by the guest's page tables");
    }
}
