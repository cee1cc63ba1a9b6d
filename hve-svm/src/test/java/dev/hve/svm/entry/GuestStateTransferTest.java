package dev.hve.svm.entry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hve.emulator.cpu.CpuState;
import dev.hve.emulator.memory.HostMemory;
import dev.hve.svm.vmcb.Vmcb;
import dev.hve.svm.vmcb.VmcbLayout;
import org.junit.jupiter.api.Test;

/**
 * The #VMEXIT save that leaves out segment slots the VMCB already holds writes the same page as
 * the full save, whatever the guest changed in between, and the load reads what the slots hold.
 */
class GuestStateTransferTest {

    private final HostMemory memory = new HostMemory();

    private Vmcb vmcb() {
        return new Vmcb(memory, memory.allocate(4096, 4096));
    }

    private static byte[] page(Vmcb vmcb) {
        byte[] bytes = new byte[VmcbLayout.SIZE];
        vmcb.readBytes(0, bytes, VmcbLayout.SIZE);
        return bytes;
    }

    /** A VMCB holding a protected-mode guest with distinct segments. */
    private static void guest(Vmcb vmcb, SoftwareSaveArea software) {
        CpuState state = new CpuState();
        state.cr0 = CpuState.CR0_PE;
        for (int s = CpuState.ES; s <= CpuState.TR; s++) {
            state.segmentSelector[s] = 0x8 * (s + 1);
            state.segmentBase[s] = 0x1000L * s;
            state.segmentLimit[s] = 0xFFFF + s;
            state.segmentAttributes[s] = s == CpuState.TR ? 0x8B : 0xC093;
        }
        state.segmentAttributes[CpuState.CS] = 0xC09B;
        state.segmentAttributes[CpuState.FS] |= CpuState.SEGMENT_UNUSABLE;
        GuestStateTransfer.save(state, vmcb, software);
    }

    @Test
    void theSaveThatSkipsUnchangedSlotsWritesTheFullSavesPage() {
        SoftwareSaveArea software = new SoftwareSaveArea();
        Vmcb skipping = vmcb();
        Vmcb full = vmcb();
        guest(skipping, software);
        guest(full, software);
        CpuState state = new CpuState();
        SegmentImage image = new SegmentImage();
        GuestStateTransfer.load(skipping, software, state, image);
        // The guest changes some segments and leaves the others.
        state.segmentSelector[CpuState.DS] = 0x33;
        state.segmentBase[CpuState.GS] = 0xFFFF_8000_0000_0000L;
        state.segmentLimit[CpuState.ES] = 0x1234;
        state.segmentAttributes[CpuState.SS] = 0x4093;
        state.segmentAttributes[CpuState.FS] &= ~CpuState.SEGMENT_UNUSABLE;
        GuestStateTransfer.save(state, skipping, software, image);
        GuestStateTransfer.save(state, full, software);
        assertArrayEquals(page(full), page(skipping));
    }

    @Test
    void theImageIsUsedUpBySave() {
        SoftwareSaveArea software = new SoftwareSaveArea();
        Vmcb vmcb = vmcb();
        guest(vmcb, software);
        CpuState state = new CpuState();
        SegmentImage image = new SegmentImage();
        GuestStateTransfer.load(vmcb, software, state, image);
        GuestStateTransfer.save(state, vmcb, software, image);
        // The hypervisor rewrites a slot between runs; a save without a new load must not trust
        // the old image and skip the core's value.
        vmcb.setSegment(VmcbLayout.DS, 0x99, 0, 0, 0);
        GuestStateTransfer.save(state, vmcb, software, image);
        assertEquals(state.segmentSelector[CpuState.DS], vmcb.segmentSelector(VmcbLayout.DS));
    }

    @Test
    void loadReadsEachSlotsSelectorAttribLimitAndBase() {
        SoftwareSaveArea software = new SoftwareSaveArea();
        Vmcb vmcb = vmcb();
        guest(vmcb, software);
        CpuState state = new CpuState();
        GuestStateTransfer.load(vmcb, software, state, new SegmentImage());
        for (int s = CpuState.ES; s <= CpuState.TR; s++) {
            assertEquals(0x8 * (s + 1), state.segmentSelector[s]);
            assertEquals(0x1000L * s, state.segmentBase[s]);
            assertEquals(0xFFFF + s, state.segmentLimit[s]);
        }
        assertEquals(0xC09B, state.segmentAttributes[CpuState.CS]);
        assertEquals((0xC093 & ~0x80) | CpuState.SEGMENT_UNUSABLE, state.segmentAttributes[CpuState.FS],
            "the save cleared P; the load reads that as unusable");
        assertEquals(0x8B, state.segmentAttributes[CpuState.TR]);
    }
}
