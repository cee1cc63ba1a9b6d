package dev.hve.svm.entry;

import dev.hve.emulator.cpu.CpuState;

/**
 * The segment slots of the VMCB save area (ES through TR) as VMRUN read them: for each, the
 * selector/attrib/limit word ({@link dev.hve.svm.vmcb.Vmcb#segmentWord}) and the base.
 *
 * <p>Between VMRUN and #VMEXIT nothing but the processor owns the save area, so at #VMEXIT these
 * are still the bytes the VMCB holds, and {@link GuestStateTransfer#save} can leave out a slot
 * whose new value equals them: writing a slot with the bytes it already holds changes nothing.
 * A guest's MMIO loop changes no segment, and the save then writes none. The image is only
 * valid from one {@link GuestStateTransfer#load} to the next save; the hypervisor may rewrite the
 * VMCB between runs, so every load reads the slots afresh.
 */
public final class SegmentImage {

    final long[] word = new long[CpuState.TR + 1];
    final long[] base = new long[CpuState.TR + 1];
    /** True from a load up to the save that follows it. */
    boolean valid;
}
