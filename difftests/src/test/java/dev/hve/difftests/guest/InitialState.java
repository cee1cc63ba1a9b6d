package dev.hve.difftests.guest;

import dev.hve.api.DescriptorTable;
import dev.hve.api.Register;
import dev.hve.api.Segment;
import dev.hve.api.SegmentRegister;
import dev.hve.api.Vcpu;
import dev.hve.difftests.asm.Mode;

/**
 * Puts a vCPU into the flat starting state of a mode through the common accessors only, exactly
 * as monitor code would. The same calls on both backends are the point: any difference after
 * this is the backend's.
 */
public final class InitialState {

    private InitialState() {
    }

    static final long CR0_PE = 1;
    static final long CR0_ET = 1 << 4;
    static final long CR0_NE = 1 << 5;
    static final long CR0_PG = 1L << 31;
    static final long CR4_PAE = 1 << 5;
    static final long EFER_LME = 1 << 8;
    static final long EFER_LMA = 1 << 10;
    /** IF set, and the always-one bit 1. */
    public static final long RFLAGS = 0x202;

    public static void apply(Vcpu vcpu, Mode mode) {
        for (int r = 0; r < 16; r++) {
            vcpu.setRegister(Register.gpr(r), 0);
        }
        vcpu.setRegister(Register.RSP, Layout.STACK_TOP);
        vcpu.setRegister(Register.RIP, Layout.CODE);
        vcpu.setRegister(Register.RFLAGS, RFLAGS);
        vcpu.setGdtr(new DescriptorTable(Layout.GDT, 0x2F));
        // A usable, empty LDT (type 2, present): an unusable LDTR's attributes do not survive the
        // accessors identically on both backends (SVM clears P to mark it): README finding 5.
        vcpu.setSegment(SegmentRegister.LDTR, new Segment(0, 0, 0xFFFF, 0x82, false));
        switch (mode) {
            case BITS16 -> real(vcpu);
            case BITS32 -> protected32(vcpu);
            case BITS64 -> long64(vcpu);
        }
    }

    private static void real(Vcpu vcpu) {
        vcpu.setRegister(Register.CR0, CR0_ET | CR0_NE);
        vcpu.setRegister(Register.CR4, 0);
        vcpu.setRegister(Register.EFER, 0);
        vcpu.setSegment(SegmentRegister.CS, Segment.realMode(0, true));
        for (SegmentRegister s : new SegmentRegister[] {SegmentRegister.DS, SegmentRegister.ES, SegmentRegister.SS,
            SegmentRegister.FS, SegmentRegister.GS}) {
            vcpu.setSegment(s, Segment.realMode(0, false));
        }
        vcpu.setSegment(SegmentRegister.TR, new Segment(0, 0, 0xFFFF, 0x8B, false));
        vcpu.setIdtr(new DescriptorTable(0, 0x3FF));
    }

    private static void protected32(Vcpu vcpu) {
        vcpu.setRegister(Register.CR0, CR0_PE | CR0_ET | CR0_NE);
        vcpu.setRegister(Register.CR4, 0);
        vcpu.setRegister(Register.EFER, 0);
        flat(vcpu, Layout.CODE32_SEL, true, false);
        vcpu.setIdtr(new DescriptorTable(Layout.IDT, 256 * 8 - 1));
    }

    private static void long64(Vcpu vcpu) {
        vcpu.setRegister(Register.CR3, Layout.PML4);
        vcpu.setRegister(Register.CR4, CR4_PAE);
        vcpu.setRegister(Register.EFER, EFER_LME | EFER_LMA);
        vcpu.setRegister(Register.CR0, CR0_PG | CR0_PE | CR0_ET | CR0_NE);
        flat(vcpu, Layout.CODE64_SEL, false, true);
        vcpu.setIdtr(new DescriptorTable(Layout.IDT, 256 * 16 - 1));
    }

    private static void flat(Vcpu vcpu, int codeSelector, boolean big, boolean longMode) {
        vcpu.setSegment(SegmentRegister.CS, Segment.flat(codeSelector, 0xB, 0, big, longMode));
        for (SegmentRegister s : new SegmentRegister[] {SegmentRegister.DS, SegmentRegister.ES, SegmentRegister.SS,
            SegmentRegister.FS, SegmentRegister.GS}) {
            vcpu.setSegment(s, Segment.flat(Layout.DATA_SEL, 0x3, 0, true, false));
        }
        vcpu.setSegment(SegmentRegister.TR, new Segment(Layout.TSS_SEL, Layout.TSS, 0x67, 0x8B, false));
    }
}
