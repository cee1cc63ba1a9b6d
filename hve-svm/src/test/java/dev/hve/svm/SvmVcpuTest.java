package dev.hve.svm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hve.api.DescriptorTable;
import dev.hve.api.Event;
import dev.hve.api.MemoryMap;
import dev.hve.api.Register;
import dev.hve.api.Segment;
import dev.hve.api.SegmentRegister;
import dev.hve.api.VendorRecord;
import dev.hve.svm.intercept.InterceptBits;
import dev.hve.svm.vmcb.Vmcb;
import dev.hve.svm.vmcb.VmcbLayout;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Where each register lives on SVM, and the state the common operations leave in the VMCB. */
class SvmVcpuTest {

    private final SvmVm vm = new SvmVm(TestHosts.amd());
    private final SvmVcpu vcpu;
    private final Vmcb vmcb;

    SvmVcpuTest() {
        vm.setMemoryMap(MemoryMap.ram(0x10_0000));
        vcpu = (SvmVcpu) vm.createVcpu();
        vmcb = vcpu.vmcb();
    }

    @Test
    void raxRspRipLiveInTheVmcbTheOtherGprsDoNot() {
        for (Register r : Register.values()) {
            if (r.isGeneralPurpose()) {
                vcpu.setRegister(r, 0x1000 + r.ordinal());
            }
        }
        vcpu.setRegister(Register.RIP, 0xABCD);
        assertEquals(0x1000, vmcb.read64(VmcbLayout.RAX));
        assertEquals(0x1004, vmcb.read64(VmcbLayout.RSP));
        assertEquals(0xABCD, vmcb.read64(VmcbLayout.RIP));
        for (Register r : Register.values()) {
            if (r.isGeneralPurpose()) {
                assertEquals(0x1000 + r.ordinal(), vcpu.register(r), r.name());
            }
        }
        long[] all = new long[16];
        vcpu.readGprs(all);
        for (int i = 0; i < 16; i++) {
            assertEquals(0x1000 + i, all[i], "readGprs " + Register.gpr(i));
        }
        // RCX is nowhere in the save area: the VMCB holds only RAX and RSP (Table B-2).
        for (int offset = VmcbLayout.SAVE_AREA; offset < VmcbLayout.SIZE; offset += 8) {
            assertNotEquals(0x1001L, vmcb.read64(offset), "RCX found in the VMCB at 0x" + Integer.toHexString(offset));
        }
    }

    @Test
    void systemRegistersAreSaveAreaFields() {
        vcpu.setRegister(Register.CR0, 0x8000_0011L);
        vcpu.setRegister(Register.CR3, 0x5000);
        vcpu.setRegister(Register.CR4, 0x20);
        vcpu.setRegister(Register.CR2, 0x1234);
        vcpu.setRegister(Register.DR7, 0x401);
        vcpu.setRegister(Register.RFLAGS, 0x200);
        vcpu.setRegister(Register.CR8, 0x9);
        assertEquals(0x8000_0011L, vmcb.read64(VmcbLayout.CR0));
        assertEquals(0x5000, vmcb.read64(VmcbLayout.CR3));
        assertEquals(0x20, vmcb.read64(VmcbLayout.CR4));
        assertEquals(0x1234, vmcb.read64(VmcbLayout.CR2));
        assertEquals(0x401, vmcb.read64(VmcbLayout.DR7));
        assertEquals(0x202, vmcb.read64(VmcbLayout.RFLAGS), "bit 1 always reads as one");
        assertEquals(0x9, vmcb.read8(VmcbLayout.V_TPR), "CR8 is V_TPR under V_INTR_MASKING");
        assertEquals(0x9, vcpu.register(Register.CR8));
    }

    @Test
    void eferSvmeIsKeptSetAndHidden() {
        vcpu.setRegister(Register.EFER, 0x500);
        assertEquals(0x500 | 1 << 12, vmcb.read64(VmcbLayout.EFER));
        assertEquals(0x500, vcpu.register(Register.EFER));
    }

    @Test
    void segmentsUseTheCompressedAttrib() {
        Segment code = Segment.flat(0x10, 0xB, 0, true, false);
        vcpu.setSegment(SegmentRegister.CS, code);
        assertEquals(0x10, vmcb.read16(VmcbLayout.CS));
        assertEquals(0xC9B, vmcb.read16(VmcbLayout.CS + 2));
        assertEquals(0xFFFF_FFFF, vmcb.read32(VmcbLayout.CS + 4));
        assertEquals(code, vcpu.segment(SegmentRegister.CS));
        Segment user = Segment.flat(0x23, 0x3, 3, true, false);
        vcpu.setSegment(SegmentRegister.SS, user);
        assertEquals(3, vmcb.read8(VmcbLayout.CPL), "CPL follows SS.DPL");
        vcpu.setSegment(SegmentRegister.LDTR, new Segment(0, 0, 0xFFFF, 0x82, true));
        assertFalse(vcpu.segment(SegmentRegister.LDTR).present());
        assertTrue(vcpu.segment(SegmentRegister.LDTR).unusable());
    }

    /** The allocation-free field accessors MMIO decode uses answer what segment() answers, field by field. */
    @Test
    void segmentFieldAccessorsReadTheSameVmcbFieldsAsSegment() {
        vcpu.setSegment(SegmentRegister.CS, Segment.flat(0x10, 0xB, 0, true, false));
        vcpu.setSegment(SegmentRegister.SS, new Segment(0x2B, 0x1234_5000L, 0xFFFFF, 0x40F3, false));
        vcpu.setSegment(SegmentRegister.DS, new Segment(0, 0, 0, 0x93, true));
        vcpu.setSegment(SegmentRegister.FS, new Segment(0x33, 0x7FFF_0000_1000L, 0xFFF, 0xA09B, false));
        vcpu.setSegment(SegmentRegister.LDTR, new Segment(0, 0, 0xFFFF, 0x82, true));
        for (SegmentRegister r : SegmentRegister.values()) {
            Segment whole = vcpu.segment(r);
            assertEquals(whole.selector(), vcpu.segmentSelector(r), r + " selector");
            assertEquals(whole.base(), vcpu.segmentBase(r), r + " base");
            assertEquals(whole.limit(), vcpu.segmentLimit(r), r + " limit");
            assertEquals(whole.attributes(), vcpu.segmentAttributes(r), r + " attributes");
            assertEquals(whole.unusable(), vcpu.segmentUnusable(r), r + " unusable");
        }
        assertTrue(vcpu.segmentUnusable(SegmentRegister.DS));
        assertEquals(0, vcpu.segmentAttributes(SegmentRegister.DS) & Segment.P, "an unusable segment is not present");
        assertEquals(0x7FFF_0000_1000L, vcpu.segmentBase(SegmentRegister.FS));
    }

    /** The bulk read answers the field accessors, with the unusable flag in bit 16 of the attribute word. */
    @Test
    void allSegmentsAtOnceAreWhatTheFieldAccessorsReturn() {
        vcpu.setSegment(SegmentRegister.CS, Segment.flat(0x10, 0xB, 0, true, false));
        vcpu.setSegment(SegmentRegister.DS, new Segment(0, 0, 0, 0x93, true));
        vcpu.setSegment(SegmentRegister.FS, new Segment(0x33, 0x7FFF_0000_1000L, 0xFFF, 0xA09B, false));
        int[] selectors = new int[6];
        long[] bases = new long[6];
        int[] limits = new int[6];
        int[] attributes = new int[6];
        vcpu.readSegments(selectors, bases, limits, attributes);
        for (int i = 0; i < 6; i++) {
            SegmentRegister r = SegmentRegister.values()[i];
            assertEquals(vcpu.segmentSelector(r), selectors[i], r + " selector");
            assertEquals(vcpu.segmentBase(r), bases[i], r + " base");
            assertEquals(vcpu.segmentLimit(r), limits[i], r + " limit");
            assertEquals(vcpu.segmentAttributes(r) | (vcpu.segmentUnusable(r) ? Segment.UNUSABLE : 0), attributes[i],
                r + " attributes");
        }
        assertEquals(Segment.UNUSABLE, attributes[3] & Segment.UNUSABLE, "DS is unusable");
        assertEquals(0x7FFF_0000_1000L, bases[4]);
    }

    @Test
    void descriptorTables() {
        vcpu.setGdtr(new DescriptorTable(0x500, 0x27));
        vcpu.setIdtr(new DescriptorTable(0xFFFF_8000_0000_0000L, 0xFFF));
        assertEquals(0x27, vmcb.read32(VmcbLayout.GDTR + 4));
        assertEquals(0x500, vmcb.read64(VmcbLayout.GDTR + 8));
        assertEquals(new DescriptorTable(0xFFFF_8000_0000_0000L, 0xFFF), vcpu.idtr());
    }

    @Test
    void injectionWritesEventinj() {
        vcpu.inject(new Event.HardwareException(13, 0x10));
        assertEquals(1L << 31 | 3 << 8 | 13, vmcb.read64(VmcbLayout.EVENTINJ), "real mode: no error code is pushed");
        vmcb.write64(VmcbLayout.EVENTINJ, 0);
        vcpu.setRegister(Register.CR0, 0x11);
        vcpu.inject(new Event.HardwareException(13, 0x10));
        assertEquals(0x10L << 32 | 1L << 31 | 1 << 11 | 3 << 8 | 13, vmcb.read64(VmcbLayout.EVENTINJ));
        assertFalse(vcpu.interruptible(), "an event is already pending");
        vmcb.write64(VmcbLayout.EVENTINJ, 0);
        vcpu.setRegister(Register.RIP, 0x7000);
        vcpu.inject(new Event.SoftwareInterrupt(0x80, 2));
        assertEquals(1L << 31 | 4 << 8 | 0x80, vmcb.read64(VmcbLayout.EVENTINJ));
        assertEquals(0x7002, vmcb.read64(VmcbLayout.NRIP), "INTn returns to nRIP");
        vmcb.write64(VmcbLayout.EVENTINJ, 0);
        vcpu.inject(new Event.Nmi());
        assertEquals(1L << 31 | 2 << 8 | 2, vmcb.read64(VmcbLayout.EVENTINJ));
        vmcb.write64(VmcbLayout.EVENTINJ, 0);
        vcpu.inject(new Event.ExternalInterrupt(0x20));
        assertEquals(1L << 31 | 0x20, vmcb.read64(VmcbLayout.EVENTINJ));
    }

    @Test
    void interruptibleFollowsIfAndTheShadow() {
        vcpu.setRegister(Register.RFLAGS, 0x202);
        assertTrue(vcpu.interruptible());
        vmcb.write64(VmcbLayout.INTERRUPT_SHADOW, 1);
        assertFalse(vcpu.interruptible());
        vmcb.write64(VmcbLayout.INTERRUPT_SHADOW, 0);
        vcpu.setRegister(Register.RFLAGS, 0x2);
        assertFalse(vcpu.interruptible());
    }

    /** MMIO decode's completion: the monitor's next RIP, the shadow ended, one more retired instruction. */
    @Test
    void completeEmulatedInstructionTakesTheMonitorsNextRip() {
        vcpu.setRegister(Register.RIP, 0x1000);
        vmcb.write64(VmcbLayout.INTERRUPT_SHADOW, 1);
        long retired = vcpu.retiredInstructions();
        vcpu.completeEmulatedInstruction(0x1006);
        assertEquals(0x1006, vcpu.register(Register.RIP));
        assertEquals(0, vmcb.read64(VmcbLayout.INTERRUPT_SHADOW) & 1, "the shadow over the instruction ends");
        assertEquals(retired + 1, vcpu.retiredInstructions());
    }

    @Test
    void interruptWindowUsesVirqAndTheVintrIntercept() {
        vcpu.requestInterruptWindow(true);
        long vintr = vmcb.read64(VmcbLayout.VINTR_CONTROL);
        assertEquals(1L << 8, vintr & 1L << 8, "V_IRQ");
        assertEquals(1L << 20, vintr & 1L << 20, "V_IGN_TPR");
        assertEquals(1L << 24, vintr & 1L << 24, "V_INTR_MASKING stays");
        assertTrue(vmcb.bit(VmcbLayout.INTERCEPT_VECTOR3, InterceptBits.VINTR));
        vcpu.requestInterruptWindow(false);
        assertEquals(0, vmcb.read64(VmcbLayout.VINTR_CONTROL) & (1L << 8 | 1L << 20));
        assertFalse(vmcb.bit(VmcbLayout.INTERCEPT_VECTOR3, InterceptBits.VINTR));
    }

    @Test
    void completeInstructionMovesRipToNrip() {
        vcpu.setRegister(Register.RIP, 0x1000);
        vmcb.write64(VmcbLayout.NRIP, 0x1002);
        vmcb.write64(VmcbLayout.INTERRUPT_SHADOW, 1);
        vcpu.completeInstruction();
        assertEquals(0x1002, vcpu.register(Register.RIP));
        assertEquals(0, vmcb.read64(VmcbLayout.INTERRUPT_SHADOW));
        assertEquals(1, vcpu.retiredInstructions());
    }

    @Test
    void lastExitRecordCarriesTheApmFields() {
        vmcb.write64(VmcbLayout.EXITCODE, 0x7B);
        vmcb.write64(VmcbLayout.EXITINFO1, 0x3F80010);
        vmcb.write64(VmcbLayout.EXITINFO2, 0x1002);
        vmcb.write64(VmcbLayout.NRIP, 0x1002);
        VendorRecord record = vcpu.lastExitRecord();
        assertEquals("svm", record.backend());
        assertEquals(0x7B, record.reason());
        assertEquals(0x7B, vcpu.lastExitReason(), "the cheap accessor agrees");
        assertEquals(List.of("exitinfo1", "exitinfo2", "exitintinfo", "next_rip"), List.copyOf(record.fields().keySet()));
        assertEquals(0x3F80010L, record.fields().get("exitinfo1"));
        assertEquals(0x1002L, record.fields().get("exitinfo2"));
    }

    @Test
    void eachVcpuHasItsOwnAsidAndNptIsEnabled() {
        SvmVcpu second = (SvmVcpu) vm.createVcpu();
        assertEquals(1, vmcb.read32(VmcbLayout.GUEST_ASID));
        assertEquals(2, second.vmcb().read32(VmcbLayout.GUEST_ASID));
        assertEquals(1, vmcb.read64(VmcbLayout.NP_ENABLE) & 1);
        assertNotEquals(0, vmcb.read64(VmcbLayout.N_CR3));
    }

    @Test
    void newMemoryMapIsPublishedAtTheNextVmrun() {
        long before = vmcb.read64(VmcbLayout.N_CR3);
        vm.memory().writeValue(0x800, 4, 0xC0FFEE);
        vm.setMemoryMap(new MemoryMap(List.of(new MemoryMap.Region(0, 0x20_0000))));
        assertEquals(before, vmcb.read64(VmcbLayout.N_CR3), "untouched until VMRUN");
        vmcb.write32(VmcbLayout.GUEST_ASID, 0); // make VMRUN fail its checks, after N_CR3 is loaded
        vcpu.vmrun(10);
        assertNotEquals(before, vmcb.read64(VmcbLayout.N_CR3));
        assertEquals(0xC0FFEE, vm.memory().readValue(0x800, 4), "RAM that stayed keeps its contents");
        assertEquals(0x20_0000, vm.memoryMap().totalRam());
    }
}
