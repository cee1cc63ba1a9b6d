package dev.hve.svm.vmcb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hve.emulator.memory.HostMemory;
import org.junit.jupiter.api.Test;

class VmcbTest {

    private final HostMemory memory = new HostMemory();
    private final Vmcb vmcb = new Vmcb(memory, memory.allocate(4096, 4096));

    @Test
    void theSegmentWordIsSelectorAttribAndLimitSideBySide() {
        vmcb.setSegment(VmcbLayout.SS, 0x1234, 0x0C93, 0xFFFF_F000, 0x1000);
        long word = vmcb.segmentWord(VmcbLayout.SS);
        assertEquals(Vmcb.packSegmentWord(0x1234, 0x0C93, 0xFFFF_F000), word);
        assertEquals(0x1234, word & 0xFFFF);
        assertEquals(0x0C93, word >>> 16 & 0xFFFF);
        assertEquals(0xFFFF_F000L, word >>> 32);
        vmcb.setSegmentWord(VmcbLayout.DS, Vmcb.packSegmentWord(0x18, 0x0A9B, 0xFFFFF));
        assertEquals(0x18, vmcb.segmentSelector(VmcbLayout.DS));
        assertEquals(0x0A9B, vmcb.segmentAttrib(VmcbLayout.DS));
        assertEquals(0xFFFFF, vmcb.segmentLimit(VmcbLayout.DS));
    }

    @Test
    void byteRunsStayInsideThePage() {
        byte[] bytes = {1, 2, 3};
        vmcb.writeBytes(VmcbLayout.GUEST_INSTRUCTION_BYTES, bytes, 3);
        assertEquals(0x03_0201, memory.read(vmcb.address() + VmcbLayout.GUEST_INSTRUCTION_BYTES, 4) & 0xFF_FFFF);
        byte[] back = new byte[3];
        vmcb.readBytes(VmcbLayout.GUEST_INSTRUCTION_BYTES, back, 3);
        assertEquals(java.util.Arrays.toString(bytes), java.util.Arrays.toString(back));
        assertThrows(IndexOutOfBoundsException.class, () -> vmcb.readBytes(VmcbLayout.SIZE - 2, back, 3));
    }

    @Test
    void fieldsAreBytesInHostMemoryAtTheirOffsets() {
        vmcb.write(VmcbField.EXITINFO1, 0x1122_3344_5566_7788L);
        assertEquals(0x88, memory.read8(vmcb.address() + 0x78));
        assertEquals(0x11, memory.read8(vmcb.address() + 0x7F));
        assertEquals(0x1122_3344_5566_7788L, vmcb.read64(VmcbLayout.EXITINFO1));
    }

    @Test
    void bitFieldsLeaveTheirNeighboursAlone() {
        vmcb.write(VmcbField.V_TPR, 0xA);
        vmcb.write(VmcbField.V_IRQ, 1);
        vmcb.write(VmcbField.V_INTR_PRIO, 0xF);
        vmcb.write(VmcbField.V_INTR_VECTOR, 0x31);
        assertEquals(0x31_000F_010AL, vmcb.read64(VmcbLayout.VINTR_CONTROL));
        assertEquals(0x31, vmcb.read8(VmcbLayout.V_INTR_VECTOR));
        vmcb.write(VmcbField.V_IRQ, 0);
        assertEquals(0x31_000F_000AL, vmcb.read64(VmcbLayout.VINTR_CONTROL));
        assertEquals(0xF, vmcb.read(VmcbField.V_INTR_PRIO));
    }

    @Test
    void tlbControlIsTheFifthByteOfTheAsidQuadword() {
        vmcb.write(VmcbField.GUEST_ASID, 7);
        vmcb.write(VmcbField.TLB_CONTROL, 3);
        assertEquals(0x3_0000_0007L, vmcb.read64(VmcbLayout.GUEST_ASID));
    }

    @Test
    void segmentAttribCompressesDescriptorBits() {
        // A flat 32-bit code segment: type B, S, P, D/B, G -> APM attrib 0xC9B.
        int attributes = 0xB | 1 << 4 | 1 << 7 | 1 << 14 | 1 << 15;
        assertEquals(0xC9B, SegmentAttrib.toVmcb(attributes));
        assertEquals(attributes, SegmentAttrib.fromVmcb(0xC9B));
        // 64-bit code: L at attrib bit 9.
        assertEquals(0x29B, SegmentAttrib.toVmcb(0x9B | 1 << 13));
    }

    @Test
    void unalignedVmcbIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Vmcb(memory, vmcb.address() + 8));
    }
}
