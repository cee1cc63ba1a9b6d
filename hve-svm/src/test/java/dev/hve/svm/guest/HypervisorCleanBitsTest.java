package dev.hve.svm.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hve.api.DescriptorTable;
import dev.hve.api.Event;
import dev.hve.api.InterceptConfig;
import dev.hve.api.MemoryMap;
import dev.hve.api.Register;
import dev.hve.api.Segment;
import dev.hve.api.SegmentRegister;
import dev.hve.svm.SvmVcpu;
import dev.hve.svm.exit.SvmExitCode;
import dev.hve.svm.vmcb.CleanBits;
import dev.hve.svm.vmcb.Vmcb;
import dev.hve.svm.vmcb.VmcbLayout;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The backend as hypervisor keeps the VMCB clean field honest (AMD APM Vol. 2 §15.15.3): after a
 * #VMEXIT every area is declared clean, and each operation of the common API that writes an area
 * clears that area's bit. Besides the bit each operation is known to clear, every byte it changed
 * is checked against {@link CleanBits#covering}, so an operation that writes an area it is not
 * listed for is caught too.
 */
class HypervisorCleanBitsTest {

    /** One hypervisor-side operation and the clean bits it must clear (0: it writes no covered field). */
    record Setter(String name, Consumer<GuestHarness> operation, int clears) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Setter register(Register register, long value, int clears) {
        return new Setter("setRegister(" + register + ")", g -> g.vcpu.setRegister(register, value), clears);
    }

    private static Setter segment(SegmentRegister register, int clears) {
        return new Setter("setSegment(" + register + ")",
            g -> g.vcpu.setSegment(register, new Segment(0x23, 0x1000, 0xFFFF, 0x93 | 3 << 5, false)), clears);
    }

    static Stream<Setter> setters() {
        return Stream.of(
            register(Register.CR0, 0x8000_0011L, CleanBits.CRX),
            register(Register.CR3, 0x5000, CleanBits.CRX),
            register(Register.CR4, 0x20, CleanBits.CRX),
            register(Register.EFER, 0x500, CleanBits.CRX),
            register(Register.CR2, 0x1234, CleanBits.CR2),
            register(Register.CR8, 0x9, CleanBits.TPR),
            register(Register.DR6, 0xFFFF_0FF1L, CleanBits.DRX),
            register(Register.DR7, 0x401, CleanBits.DRX),
            register(Register.RAX, 0x55, 0),
            register(Register.RSP, 0x7000, 0),
            register(Register.RIP, 0x1100, 0),
            register(Register.RFLAGS, 0x202, 0),
            register(Register.RBX, 0x77, 0),
            segment(SegmentRegister.CS, CleanBits.SEG),
            segment(SegmentRegister.SS, CleanBits.SEG),
            segment(SegmentRegister.DS, CleanBits.SEG),
            segment(SegmentRegister.ES, CleanBits.SEG),
            // FS, GS, LDTR and TR are VMLOAD state, covered by no clean bit.
            segment(SegmentRegister.FS, 0),
            segment(SegmentRegister.GS, 0),
            segment(SegmentRegister.TR, 0),
            new Setter("setGdtr", g -> g.vcpu.setGdtr(new DescriptorTable(0x9000, 0x37)), CleanBits.DT),
            new Setter("setIdtr", g -> g.vcpu.setIdtr(new DescriptorTable(0x9800, 0xFF)), CleanBits.DT),
            new Setter("configureIntercepts", g -> g.vcpu.configureIntercepts(InterceptConfig.monitorDefaults()),
                CleanBits.I | CleanBits.IOPM),
            new Setter("setTscOffset", g -> g.vcpu.setTscOffset(12345), CleanBits.I),
            new Setter("requestInterruptWindow(true)", g -> g.vcpu.requestInterruptWindow(true),
                CleanBits.I | CleanBits.TPR),
            // Already off: nothing changes, so the areas stay clean.
            new Setter("requestInterruptWindow(false)", g -> g.vcpu.requestInterruptWindow(false), 0),
            new Setter("inject(ExternalInterrupt)", g -> g.vcpu.inject(new Event.ExternalInterrupt(0x20)), 0),
            new Setter("inject(SoftwareInterrupt)", g -> g.vcpu.inject(new Event.SoftwareInterrupt(0x21, 2)), 0),
            new Setter("inject(Nmi)", g -> g.vcpu.inject(new Event.Nmi()), 0),
            new Setter("completeInstruction", g -> g.vcpu.completeInstruction(), 0),
            // A new memory map is published as N_CR3 when the backend next looks at the guest.
            new Setter("setMemoryMap + translateLinear", g -> {
                g.vm.setMemoryMap(MemoryMap.ram(0x40_0000));
                g.vcpu.translateLinear(GuestHarness.CODE, false);
            }, CleanBits.NP));
    }

    @ParameterizedTest
    @MethodSource("setters")
    void eachWriteClearsTheBitOfItsArea(Setter setter) {
        // hlt
        GuestHarness g = new GuestHarness(0xF4);
        SvmVcpu vcpu = g.vcpu;
        Vmcb vmcb = vcpu.vmcb();
        assertEquals(SvmExitCode.VMEXIT_HLT, vcpu.vmrun(100));
        assertEquals(CleanBits.ALL, vmcb.read32(VmcbLayout.VMCB_CLEAN), "all clean after #VMEXIT");
        byte[] before = image(vmcb);

        setter.operation().accept(g);

        int clean = vmcb.read32(VmcbLayout.VMCB_CLEAN);
        assertEquals(CleanBits.ALL & ~setter.clears(), clean, "the bits " + setter + " clears");
        byte[] after = image(vmcb);
        for (int offset = 0; offset < VmcbLayout.SIZE; offset++) {
            int area = CleanBits.covering(offset, 1);
            if (before[offset] != after[offset] && area != 0) {
                assertTrue((clean & area) == 0, String.format(
                    "%s changed VMCB byte 0x%x and left its clean bit 0x%x set", setter, offset, area));
            }
        }
    }

    private static byte[] image(Vmcb vmcb) {
        byte[] bytes = new byte[VmcbLayout.SIZE];
        vmcb.readBytes(0, bytes, VmcbLayout.SIZE);
        return bytes;
    }
}
