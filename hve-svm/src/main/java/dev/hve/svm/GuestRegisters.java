package dev.hve.svm;

import dev.hve.api.DescriptorTable;
import dev.hve.api.Register;
import dev.hve.api.Segment;
import dev.hve.api.SegmentRegister;
import dev.hve.emulator.cpu.CpuState;
import dev.hve.svm.entry.SoftwareSaveArea;
import dev.hve.svm.vmcb.SegmentAttrib;
import dev.hve.svm.vmcb.Vmcb;
import dev.hve.svm.vmcb.VmcbLayout;
import dev.hve.svm.vmcb.VmcbWriter;

/**
 * The common register accessors over SVM's split: RAX, RSP, RIP, RFLAGS and the system registers
 * in the VMCB state-save area (AMD APM Vol. 2, Table B-2), the other GPRs in the backend's
 * software save area. Monitor code never sees where a register lives. Writes go through the
 * hypervisor's {@link VmcbWriter}, so each one clears the clean bit of its area.
 */
final class GuestRegisters {

    private static final long EFER_SVME = 1L << 12;
    private static final int ATTRIB_P = 1 << 7;

    private final Vmcb vmcb;
    private final VmcbWriter writer;
    private final SoftwareSaveArea software;

    GuestRegisters(VmcbWriter writer, SoftwareSaveArea software) {
        this.vmcb = writer.vmcb();
        this.writer = writer;
        this.software = software;
    }

    long get(Register register) {
        return switch (register) {
            case RAX -> vmcb.read64(VmcbLayout.RAX);
            case RSP -> vmcb.read64(VmcbLayout.RSP);
            case RIP -> vmcb.read64(VmcbLayout.RIP);
            case RFLAGS -> vmcb.read64(VmcbLayout.RFLAGS);
            case CR0 -> vmcb.read64(VmcbLayout.CR0);
            case CR2 -> vmcb.read64(VmcbLayout.CR2);
            case CR3 -> vmcb.read64(VmcbLayout.CR3);
            case CR4 -> vmcb.read64(VmcbLayout.CR4);
            case CR8 -> vmcb.read8(VmcbLayout.V_TPR) & 0xF;
            case DR6 -> vmcb.read64(VmcbLayout.DR6);
            case DR7 -> vmcb.read64(VmcbLayout.DR7);
            case EFER -> vmcb.read64(VmcbLayout.EFER) & ~EFER_SVME;
            default -> software.gpr[register.ordinal()];
        };
    }

    /**
     * The software save area, with RAX and RSP from the VMCB. Copied element by element: the
     * monitor asks on every MMIO exit, and for 16 longs an arraycopy stub costs more to enter than
     * the moves (as in {@code GuestStateTransfer}).
     */
    void readGprs(long[] destination) {
        long[] gpr = software.gpr;
        for (int i = 0; i < 16; i++) {
            destination[i] = gpr[i];
        }
        destination[0] = vmcb.read64(VmcbLayout.RAX);
        destination[4] = vmcb.read64(VmcbLayout.RSP);
    }

    void set(Register register, long value) {
        switch (register) {
            case RAX -> writer.write64(VmcbLayout.RAX, value);
            case RSP -> writer.write64(VmcbLayout.RSP, value);
            case RIP -> writer.write64(VmcbLayout.RIP, value);
            case RFLAGS -> writer.write64(VmcbLayout.RFLAGS, value | CpuState.FIXED_ONE);
            case CR0 -> writer.write64(VmcbLayout.CR0, value);
            case CR2 -> writer.write64(VmcbLayout.CR2, value);
            case CR3 -> writer.write64(VmcbLayout.CR3, value);
            case CR4 -> writer.write64(VmcbLayout.CR4, value);
            // V_INTR_MASKING is set, so guest CR8 is V_TPR[3:0] (§15.21.4).
            case CR8 -> writer.write8(VmcbLayout.V_TPR, (int) (value & 0xF));
            case DR6 -> writer.write64(VmcbLayout.DR6, value);
            case DR7 -> writer.write64(VmcbLayout.DR7, value);
            // VMRUN requires EFER.SVME in the guest state; the backend keeps it set and hides it.
            case EFER -> writer.write64(VmcbLayout.EFER, value | EFER_SVME);
            default -> software.gpr[register.ordinal()] = value;
        }
    }

    /** SVM has no "unusable" flag: a segment other than CS whose P bit is clear is unusable. */
    Segment segment(SegmentRegister register) {
        int slot = VmcbLayout.segment(register.ordinal());
        int attrib = vmcb.segmentAttrib(slot);
        boolean unusable = unusable(register.ordinal(), attrib);
        return new Segment(vmcb.segmentSelector(slot), vmcb.segmentBase(slot), vmcb.segmentLimit(slot),
            SegmentAttrib.fromVmcb(attrib), unusable);
    }

    int segmentSelector(SegmentRegister register) {
        return vmcb.segmentSelector(VmcbLayout.segment(register.ordinal()));
    }

    long segmentBase(SegmentRegister register) {
        return vmcb.segmentBase(VmcbLayout.segment(register.ordinal()));
    }

    int segmentLimit(SegmentRegister register) {
        return vmcb.segmentLimit(VmcbLayout.segment(register.ordinal()));
    }

    /** An unusable segment's P bit is already clear in the VMCB, as {@link Segment} wants it. */
    int segmentAttributes(SegmentRegister register) {
        return SegmentAttrib.fromVmcb(vmcb.segmentAttrib(VmcbLayout.segment(register.ordinal())));
    }

    boolean segmentUnusable(SegmentRegister register) {
        return unusable(register.ordinal(), vmcb.segmentAttrib(VmcbLayout.segment(register.ordinal())));
    }

    /** The VMCB has no "unusable" flag: a segment other than CS whose P bit is clear is one. */
    private static boolean unusable(int segment, int attrib) {
        return segment != SegmentRegister.CS.ordinal() && (attrib & ATTRIB_P) == 0;
    }

    /** ES..GS in one pass over the segment slots, for {@code Vcpu.readSegments}. */
    void readSegments(int[] selectors, long[] bases, int[] limits, int[] attributes) {
        for (int s = 0; s <= SegmentRegister.GS.ordinal(); s++) {
            int slot = VmcbLayout.segment(s);
            long word = vmcb.segmentWord(slot);
            int attrib = (int) (word >>> 16) & 0xFFFF;
            selectors[s] = (int) word & 0xFFFF;
            limits[s] = (int) (word >>> 32);
            bases[s] = vmcb.segmentBase(slot);
            attributes[s] = SegmentAttrib.fromVmcb(attrib) | (unusable(s, attrib) ? Segment.UNUSABLE : 0);
        }
    }

    void setSegment(SegmentRegister register, Segment value) {
        int attrib = SegmentAttrib.toVmcb(value.attributes());
        if (value.unusable()) {
            attrib &= ~ATTRIB_P;
        }
        writer.setSegment(VmcbLayout.segment(register.ordinal()), value.selector(), attrib, value.limit(),
            value.base());
        if (register == SegmentRegister.SS) {
            // SVM keeps CPL in its own field; architecturally it equals SS.DPL (§15.5.1).
            writer.write8(VmcbLayout.CPL, value.dpl());
        }
    }

    /** GDTR or IDTR: only the limit and base of the slot are used (Table B-2). */
    DescriptorTable descriptorTable(int slot) {
        return new DescriptorTable(vmcb.segmentBase(slot), vmcb.segmentLimit(slot) & 0xFFFF);
    }

    void setDescriptorTable(int slot, DescriptorTable value) {
        writer.write32(slot + VmcbLayout.SEGMENT_LIMIT, value.limit());
        writer.write64(slot + VmcbLayout.SEGMENT_BASE, value.base());
    }
}
