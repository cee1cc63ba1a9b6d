package dev.hve.svm.entry;

import dev.hve.emulator.cpu.CpuState;
import dev.hve.svm.vmcb.CleanBits;
import dev.hve.svm.vmcb.SegmentAttrib;
import dev.hve.svm.vmcb.VintrControl;
import dev.hve.svm.vmcb.Vmcb;
import dev.hve.svm.vmcb.VmcbLayout;

/**
 * Moves guest state between the VMCB state-save area and the core: VMRUN's load (AMD APM Vol. 2,
 * §15.5.1) and #VMEXIT's save (§15.6). The VMCB holds only RAX, RSP and RIP among the GPRs; the
 * others live in the backend's {@link SoftwareSaveArea}, as a hypervisor keeps them around VMRUN.
 */
public final class GuestStateTransfer {

    private static final long EFER_SVME = 1L << 12;
    private static final int ATTRIB_P = 1 << 7;

    private GuestStateTransfer() {
    }

    /** VMRUN: the guest state of {@code vmcb} and {@code software} into {@code state}. */
    public static void load(Vmcb vmcb, SoftwareSaveArea software, CpuState state) {
        load(vmcb, software, state, new SegmentImage());
    }

    /**
     * As {@link #load(Vmcb, SoftwareSaveArea, CpuState)}, keeping the segment slots read in
     * {@code image} for the {@link #save(CpuState, Vmcb, SoftwareSaveArea, SegmentImage) save}
     * at the following #VMEXIT.
     */
    public static void load(Vmcb vmcb, SoftwareSaveArea software, CpuState state, SegmentImage image) {
        load(vmcb, software, state, image, 0);
    }

    /**
     * As {@link #load(Vmcb, SoftwareSaveArea, CpuState, SegmentImage)}, but an area whose bit is
     * set in {@code clean} ({@link CleanBits}: SEG, DT, CRx, CR2, TPR, DRx, NP's G_PAT) is not
     * read: {@code state} still holds the processor's copy from the last #VMEXIT, which VMRUN may
     * use instead (APM Vol. 2 §15.15.3). Everything no clean bit covers is loaded every time: RAX,
     * RSP, RIP, RFLAGS, the interrupt shadow, and FS, GS, LDTR, TR and the MSRs that a hypervisor
     * otherwise moves with VMLOAD.
     */
    public static void load(Vmcb vmcb, SoftwareSaveArea software, CpuState state, SegmentImage image, int clean) {
        long[] gpr = state.gpr;
        copy(software.gpr, gpr, 16);
        gpr[0] = vmcb.read64(VmcbLayout.RAX);
        gpr[4] = vmcb.read64(VmcbLayout.RSP);
        state.rip = vmcb.read64(VmcbLayout.RIP);
        // Bit 1 of RFLAGS reads as one whatever the VMCB holds.
        state.rflags = vmcb.read64(VmcbLayout.RFLAGS) | CpuState.FIXED_ONE;
        // ES, CS, SS and DS (indices 0-3) are the SEG area; their slots are still read for the
        // image, so that the save at #VMEXIT compares against what the VMCB really holds.
        int firstDecoded = (clean & CleanBits.SEG) != 0 ? CpuState.FS : CpuState.ES;
        for (int s = CpuState.ES; s <= CpuState.TR; s++) {
            int slot = VmcbLayout.segment(s);
            long word = vmcb.segmentWord(slot);
            long base = vmcb.segmentBase(slot);
            image.word[s] = word;
            image.base[s] = base;
            if (s >= firstDecoded) {
                decodeSegment(state, s, word, base);
            }
        }
        image.valid = true;
        if ((clean & CleanBits.DT) == 0) {
            state.gdtrBase = vmcb.segmentBase(VmcbLayout.GDTR);
            state.gdtrLimit = vmcb.segmentLimit(VmcbLayout.GDTR) & 0xFFFF;
            state.idtrBase = vmcb.segmentBase(VmcbLayout.IDTR);
            state.idtrLimit = vmcb.segmentLimit(VmcbLayout.IDTR) & 0xFFFF;
        }
        loadPaging(vmcb, state, clean);
        if ((clean & CleanBits.CR2) == 0) {
            state.cr2 = vmcb.read64(VmcbLayout.CR2);
        }
        if ((clean & CleanBits.TPR) == 0) {
            // V_INTR_MASKING is always set by this backend, so guest CR8 is V_TPR[3:0] (§15.21.4).
            state.cr8 = vmcb.read8(VmcbLayout.V_TPR) & 0xF;
        }
        copy(software.dr, state.dr, 4);
        if ((clean & CleanBits.DRX) == 0) {
            state.dr[6] = vmcb.read64(VmcbLayout.DR6);
            state.dr[7] = vmcb.read64(VmcbLayout.DR7);
        }
        state.star = vmcb.read64(VmcbLayout.STAR);
        state.lstar = vmcb.read64(VmcbLayout.LSTAR);
        state.cstar = vmcb.read64(VmcbLayout.CSTAR);
        state.sfmask = vmcb.read64(VmcbLayout.SFMASK);
        state.kernelGsBase = vmcb.read64(VmcbLayout.KERNEL_GS_BASE);
        state.sysenterCs = vmcb.read64(VmcbLayout.SYSENTER_CS);
        state.sysenterEsp = vmcb.read64(VmcbLayout.SYSENTER_ESP);
        state.sysenterEip = vmcb.read64(VmcbLayout.SYSENTER_EIP);
        if ((clean & CleanBits.NP) == 0) {
            // With nested paging the guest's PAT is G_PAT (§15.25.8).
            state.pat = vmcb.read64(VmcbLayout.G_PAT);
        }
        state.xcr0 = software.xcr0;
        state.tscAux = software.tscAux;
        state.interruptShadow = (vmcb.read64(VmcbLayout.INTERRUPT_SHADOW) & VintrControl.INTERRUPT_SHADOW) != 0;
        state.halted = software.halted;
    }

    /** One segment slot's selector/attrib/limit word and base into the core's segment register {@code s}. */
    private static void decodeSegment(CpuState state, int s, long word, long base) {
        int attrib = (int) (word >>> 16) & 0xFFFF;
        int attributes = SegmentAttrib.fromVmcb(attrib);
        // SVM has no "unusable" flag: a segment whose P bit is clear is one.
        if ((attrib & ATTRIB_P) == 0 && s != CpuState.CS) {
            attributes |= CpuState.SEGMENT_UNUSABLE;
        }
        state.segmentSelector[s] = (int) word & 0xFFFF;
        state.segmentAttributes[s] = attributes;
        state.segmentLimit[s] = (int) (word >>> 32);
        state.segmentBase[s] = base;
    }

    /**
     * The part of {@link #load} that the guest's page walk depends on: CR0, CR3, CR4, EFER and the
     * CPL (the walk's user/supervisor checks). PAE PDPTEs need nothing here: on an AMD host the
     * core reads them from guest memory on every walk instead of keeping PDPTE registers. This is
     * what the hypervisor's translations of guest-linear addresses between runs need, at a
     * fraction of a full load.
     */
    public static void loadPaging(Vmcb vmcb, CpuState state) {
        loadPaging(vmcb, state, 0);
    }

    /**
     * As {@link #loadPaging(Vmcb, CpuState)}, leaving CR0/CR3/CR4/EFER as {@code state} holds them
     * when the CRx bit is set in {@code clean}, and the CPL when the SEG bit is. The CPL is
     * canonicalized either way, against RFLAGS.VM, which no clean bit covers.
     */
    public static void loadPaging(Vmcb vmcb, CpuState state, int clean) {
        if ((clean & CleanBits.CRX) == 0) {
            loadControlRegisters(vmcb, state);
        }
        int cpl = (clean & CleanBits.SEG) != 0 ? state.cpl : vmcb.read8(VmcbLayout.CPL);
        state.cpl = canonicalCpl(cpl, state.cr0, vmcb.read64(VmcbLayout.RFLAGS));
    }

    /** The CRx area: CR0, CR3, CR4 and EFER. */
    private static void loadControlRegisters(Vmcb vmcb, CpuState state) {
        state.cr0 = vmcb.read64(VmcbLayout.CR0);
        state.cr3 = vmcb.read64(VmcbLayout.CR3);
        state.cr4 = vmcb.read64(VmcbLayout.CR4);
        // The backend plays a hypervisor that hides EFER.SVME, which it must keep set for VMRUN.
        state.efer = vmcb.read64(VmcbLayout.EFER) & ~EFER_SVME;
    }

    /** VMRUN canonicalizes CPL: 0 in real mode, 3 in virtual-8086 mode (§15.5.1). */
    private static int canonicalCpl(int cpl, long cr0, long rflags) {
        if ((cr0 & CpuState.CR0_PE) == 0) {
            return 0;
        }
        if ((rflags & CpuState.VM) != 0) {
            return 3;
        }
        return cpl & 3;
    }

    /** #VMEXIT: the core's state into {@code vmcb} and {@code software}. */
    public static void save(CpuState state, Vmcb vmcb, SoftwareSaveArea software) {
        save(state, vmcb, software, new SegmentImage());
    }

    /**
     * As {@link #save(CpuState, Vmcb, SoftwareSaveArea)}; a segment slot whose value equals what
     * {@code image} says the VMCB holds since the last load is not rewritten (see
     * {@link SegmentImage}). The image is used up: the next save needs a new load.
     */
    public static void save(CpuState state, Vmcb vmcb, SoftwareSaveArea software, SegmentImage image) {
        long[] gpr = state.gpr;
        copy(gpr, software.gpr, 16);
        vmcb.write64(VmcbLayout.RAX, gpr[0]);
        vmcb.write64(VmcbLayout.RSP, gpr[4]);
        vmcb.write64(VmcbLayout.RIP, state.rip);
        vmcb.write64(VmcbLayout.RFLAGS, state.rflags | CpuState.FIXED_ONE);
        for (int s = CpuState.ES; s <= CpuState.TR; s++) {
            int attributes = state.segmentAttributes[s];
            int attrib = SegmentAttrib.toVmcb(attributes & 0xF0FF);
            if ((attributes & CpuState.SEGMENT_UNUSABLE) != 0) {
                attrib &= ~ATTRIB_P;
            }
            long word = Vmcb.packSegmentWord(state.segmentSelector[s], attrib, state.segmentLimit[s]);
            long base = state.segmentBase[s];
            int slot = VmcbLayout.segment(s);
            if (!image.valid || word != image.word[s]) {
                vmcb.setSegmentWord(slot, word);
            }
            if (!image.valid || base != image.base[s]) {
                vmcb.write64(slot + VmcbLayout.SEGMENT_BASE, base);
            }
        }
        image.valid = false;
        vmcb.write32(VmcbLayout.GDTR + VmcbLayout.SEGMENT_LIMIT, state.gdtrLimit & 0xFFFF);
        vmcb.write64(VmcbLayout.GDTR + VmcbLayout.SEGMENT_BASE, state.gdtrBase);
        vmcb.write32(VmcbLayout.IDTR + VmcbLayout.SEGMENT_LIMIT, state.idtrLimit & 0xFFFF);
        vmcb.write64(VmcbLayout.IDTR + VmcbLayout.SEGMENT_BASE, state.idtrBase);
        vmcb.write64(VmcbLayout.CR0, state.cr0);
        vmcb.write64(VmcbLayout.CR2, state.cr2);
        vmcb.write64(VmcbLayout.CR3, state.cr3);
        vmcb.write64(VmcbLayout.CR4, state.cr4);
        vmcb.write8(VmcbLayout.V_TPR, (int) (state.cr8 & 0xF));
        vmcb.write64(VmcbLayout.EFER, state.efer | EFER_SVME);
        copy(state.dr, software.dr, 4);
        vmcb.write64(VmcbLayout.DR6, state.dr[6]);
        vmcb.write64(VmcbLayout.DR7, state.dr[7]);
        vmcb.write8(VmcbLayout.CPL, state.cpl);
        vmcb.write64(VmcbLayout.STAR, state.star);
        vmcb.write64(VmcbLayout.LSTAR, state.lstar);
        vmcb.write64(VmcbLayout.CSTAR, state.cstar);
        vmcb.write64(VmcbLayout.SFMASK, state.sfmask);
        vmcb.write64(VmcbLayout.KERNEL_GS_BASE, state.kernelGsBase);
        vmcb.write64(VmcbLayout.SYSENTER_CS, state.sysenterCs);
        vmcb.write64(VmcbLayout.SYSENTER_ESP, state.sysenterEsp);
        vmcb.write64(VmcbLayout.SYSENTER_EIP, state.sysenterEip);
        vmcb.write64(VmcbLayout.G_PAT, state.pat);
        software.xcr0 = state.xcr0;
        software.tscAux = state.tscAux;
        long shadow = vmcb.read64(VmcbLayout.INTERRUPT_SHADOW) & ~VintrControl.INTERRUPT_SHADOW;
        vmcb.write64(VmcbLayout.INTERRUPT_SHADOW, shadow | (state.interruptShadow ? VintrControl.INTERRUPT_SHADOW : 0));
        software.halted = state.halted;
    }

    /**
     * A few registers, element by element: for copies this short, HotSpot's arraycopy stub costs
     * more to enter than the moves themselves (profiled: up to 5% of an MMIO round trip).
     */
    private static void copy(long[] from, long[] to, int count) {
        for (int i = 0; i < count; i++) {
            to[i] = from[i];
        }
    }
}
