package dev.hve.svm.vmcb;

/**
 * Every named VMCB field with its byte offset and width, per AMD APM Vol. 2, Appendix B
 * (Table B-1 control area, Table B-2 state-save area at 0x400). Bit fields that share a
 * quadword (V_IRQ in the virtual-interrupt quadword, for example) carry their bit position and
 * bit count within the container at {@link #offset()}.
 *
 * <p>This catalogue is for diagnostics, dumps and the offset test; the exit path uses the
 * {@link VmcbLayout} constants directly.
 */
public enum VmcbField {
    // Control area.
    INTERCEPT_CR_READ(VmcbLayout.INTERCEPT_CR, 4, 0, 16),
    INTERCEPT_CR_WRITE(VmcbLayout.INTERCEPT_CR, 4, 16, 16),
    INTERCEPT_DR_READ(VmcbLayout.INTERCEPT_DR, 4, 0, 16),
    INTERCEPT_DR_WRITE(VmcbLayout.INTERCEPT_DR, 4, 16, 16),
    INTERCEPT_EXCEPTIONS(VmcbLayout.INTERCEPT_EXCEPTIONS, 4),
    INTERCEPT_VECTOR3(VmcbLayout.INTERCEPT_VECTOR3, 4),
    INTERCEPT_VECTOR4(VmcbLayout.INTERCEPT_VECTOR4, 4),
    INTERCEPT_VECTOR5(VmcbLayout.INTERCEPT_VECTOR5, 4),
    PAUSE_FILTER_THRESHOLD(VmcbLayout.PAUSE_FILTER_THRESHOLD, 2),
    PAUSE_FILTER_COUNT(VmcbLayout.PAUSE_FILTER_COUNT, 2),
    IOPM_BASE_PA(VmcbLayout.IOPM_BASE_PA, 8),
    MSRPM_BASE_PA(VmcbLayout.MSRPM_BASE_PA, 8),
    TSC_OFFSET(VmcbLayout.TSC_OFFSET, 8),
    GUEST_ASID(VmcbLayout.GUEST_ASID, 4),
    TLB_CONTROL(VmcbLayout.TLB_CONTROL, 1),
    V_TPR(VmcbLayout.VINTR_CONTROL, 8, VintrControl.V_TPR_SHIFT, 8),
    V_IRQ(VmcbLayout.VINTR_CONTROL, 8, VintrControl.V_IRQ_SHIFT, 1),
    V_INTR_PRIO(VmcbLayout.VINTR_CONTROL, 8, VintrControl.V_INTR_PRIO_SHIFT, 4),
    V_IGN_TPR(VmcbLayout.VINTR_CONTROL, 8, VintrControl.V_IGN_TPR_SHIFT, 1),
    V_INTR_MASKING(VmcbLayout.VINTR_CONTROL, 8, VintrControl.V_INTR_MASKING_SHIFT, 1),
    V_INTR_VECTOR(VmcbLayout.VINTR_CONTROL, 8, VintrControl.V_INTR_VECTOR_SHIFT, 8),
    INTERRUPT_SHADOW(VmcbLayout.INTERRUPT_SHADOW, 8, 0, 1),
    GUEST_INTERRUPT_MASK(VmcbLayout.INTERRUPT_SHADOW, 8, 1, 1),
    EXITCODE(VmcbLayout.EXITCODE, 8),
    EXITINFO1(VmcbLayout.EXITINFO1, 8),
    EXITINFO2(VmcbLayout.EXITINFO2, 8),
    EXITINTINFO(VmcbLayout.EXITINTINFO, 8),
    NP_ENABLE(VmcbLayout.NP_ENABLE, 8, 0, 1),
    SEV_ENABLE(VmcbLayout.NP_ENABLE, 8, 1, 1),
    SEV_ES_ENABLE(VmcbLayout.NP_ENABLE, 8, 2, 1),
    AVIC_APIC_BAR(VmcbLayout.AVIC_APIC_BAR, 8),
    GHCB_GPA(VmcbLayout.GHCB_GPA, 8),
    EVENTINJ(VmcbLayout.EVENTINJ, 8),
    N_CR3(VmcbLayout.N_CR3, 8),
    LBR_VIRTUALIZATION_ENABLE(VmcbLayout.LBR_VIRTUALIZATION_ENABLE, 8, 0, 1),
    VIRTUAL_VMSAVE_VMLOAD(VmcbLayout.LBR_VIRTUALIZATION_ENABLE, 8, 1, 1),
    VMCB_CLEAN(VmcbLayout.VMCB_CLEAN, 4),
    NRIP(VmcbLayout.NRIP, 8),
    GUEST_INSTRUCTION_BYTES_FETCHED(VmcbLayout.GUEST_INSTRUCTION_BYTES_FETCHED, 1),
    GUEST_INSTRUCTION_BYTES(VmcbLayout.GUEST_INSTRUCTION_BYTES, VmcbLayout.GUEST_INSTRUCTION_BYTES_MAX),
    AVIC_APIC_BACKING_PAGE(VmcbLayout.AVIC_APIC_BACKING_PAGE, 8),
    AVIC_LOGICAL_TABLE(VmcbLayout.AVIC_LOGICAL_TABLE, 8),
    AVIC_PHYSICAL_TABLE(VmcbLayout.AVIC_PHYSICAL_TABLE, 8),
    VMSA_POINTER(VmcbLayout.VMSA_POINTER, 8),

    // State-save area.
    ES_SELECTOR(VmcbLayout.ES + VmcbLayout.SEGMENT_SELECTOR, 2),
    ES_ATTRIB(VmcbLayout.ES + VmcbLayout.SEGMENT_ATTRIB, 2),
    ES_LIMIT(VmcbLayout.ES + VmcbLayout.SEGMENT_LIMIT, 4),
    ES_BASE(VmcbLayout.ES + VmcbLayout.SEGMENT_BASE, 8),
    CS_SELECTOR(VmcbLayout.CS + VmcbLayout.SEGMENT_SELECTOR, 2),
    CS_ATTRIB(VmcbLayout.CS + VmcbLayout.SEGMENT_ATTRIB, 2),
    CS_LIMIT(VmcbLayout.CS + VmcbLayout.SEGMENT_LIMIT, 4),
    CS_BASE(VmcbLayout.CS + VmcbLayout.SEGMENT_BASE, 8),
    SS_SELECTOR(VmcbLayout.SS + VmcbLayout.SEGMENT_SELECTOR, 2),
    SS_ATTRIB(VmcbLayout.SS + VmcbLayout.SEGMENT_ATTRIB, 2),
    SS_LIMIT(VmcbLayout.SS + VmcbLayout.SEGMENT_LIMIT, 4),
    SS_BASE(VmcbLayout.SS + VmcbLayout.SEGMENT_BASE, 8),
    DS_SELECTOR(VmcbLayout.DS + VmcbLayout.SEGMENT_SELECTOR, 2),
    DS_ATTRIB(VmcbLayout.DS + VmcbLayout.SEGMENT_ATTRIB, 2),
    DS_LIMIT(VmcbLayout.DS + VmcbLayout.SEGMENT_LIMIT, 4),
    DS_BASE(VmcbLayout.DS + VmcbLayout.SEGMENT_BASE, 8),
    FS_SELECTOR(VmcbLayout.FS + VmcbLayout.SEGMENT_SELECTOR, 2),
    FS_ATTRIB(VmcbLayout.FS + VmcbLayout.SEGMENT_ATTRIB, 2),
    FS_LIMIT(VmcbLayout.FS + VmcbLayout.SEGMENT_LIMIT, 4),
    FS_BASE(VmcbLayout.FS + VmcbLayout.SEGMENT_BASE, 8),
    GS_SELECTOR(VmcbLayout.GS + VmcbLayout.SEGMENT_SELECTOR, 2),
    GS_ATTRIB(VmcbLayout.GS + VmcbLayout.SEGMENT_ATTRIB, 2),
    GS_LIMIT(VmcbLayout.GS + VmcbLayout.SEGMENT_LIMIT, 4),
    GS_BASE(VmcbLayout.GS + VmcbLayout.SEGMENT_BASE, 8),
    GDTR_LIMIT(VmcbLayout.GDTR + VmcbLayout.SEGMENT_LIMIT, 4),
    GDTR_BASE(VmcbLayout.GDTR + VmcbLayout.SEGMENT_BASE, 8),
    LDTR_SELECTOR(VmcbLayout.LDTR + VmcbLayout.SEGMENT_SELECTOR, 2),
    LDTR_ATTRIB(VmcbLayout.LDTR + VmcbLayout.SEGMENT_ATTRIB, 2),
    LDTR_LIMIT(VmcbLayout.LDTR + VmcbLayout.SEGMENT_LIMIT, 4),
    LDTR_BASE(VmcbLayout.LDTR + VmcbLayout.SEGMENT_BASE, 8),
    IDTR_LIMIT(VmcbLayout.IDTR + VmcbLayout.SEGMENT_LIMIT, 4),
    IDTR_BASE(VmcbLayout.IDTR + VmcbLayout.SEGMENT_BASE, 8),
    TR_SELECTOR(VmcbLayout.TR + VmcbLayout.SEGMENT_SELECTOR, 2),
    TR_ATTRIB(VmcbLayout.TR + VmcbLayout.SEGMENT_ATTRIB, 2),
    TR_LIMIT(VmcbLayout.TR + VmcbLayout.SEGMENT_LIMIT, 4),
    TR_BASE(VmcbLayout.TR + VmcbLayout.SEGMENT_BASE, 8),
    CPL(VmcbLayout.CPL, 1),
    EFER(VmcbLayout.EFER, 8),
    CR4(VmcbLayout.CR4, 8),
    CR3(VmcbLayout.CR3, 8),
    CR0(VmcbLayout.CR0, 8),
    DR7(VmcbLayout.DR7, 8),
    DR6(VmcbLayout.DR6, 8),
    RFLAGS(VmcbLayout.RFLAGS, 8),
    RIP(VmcbLayout.RIP, 8),
    RSP(VmcbLayout.RSP, 8),
    RAX(VmcbLayout.RAX, 8),
    STAR(VmcbLayout.STAR, 8),
    LSTAR(VmcbLayout.LSTAR, 8),
    CSTAR(VmcbLayout.CSTAR, 8),
    SFMASK(VmcbLayout.SFMASK, 8),
    KERNEL_GS_BASE(VmcbLayout.KERNEL_GS_BASE, 8),
    SYSENTER_CS(VmcbLayout.SYSENTER_CS, 8),
    SYSENTER_ESP(VmcbLayout.SYSENTER_ESP, 8),
    SYSENTER_EIP(VmcbLayout.SYSENTER_EIP, 8),
    CR2(VmcbLayout.CR2, 8),
    G_PAT(VmcbLayout.G_PAT, 8),
    DBGCTL(VmcbLayout.DBGCTL, 8),
    BR_FROM(VmcbLayout.BR_FROM, 8),
    BR_TO(VmcbLayout.BR_TO, 8),
    LASTEXCPFROM(VmcbLayout.LASTEXCPFROM, 8),
    LASTEXCPTO(VmcbLayout.LASTEXCPTO, 8);

    private final int offset;
    private final int width;
    private final int bitShift;
    private final int bitCount;

    VmcbField(int offset, int width) {
        this(offset, width, 0, width * 8);
    }

    VmcbField(int offset, int width, int bitShift, int bitCount) {
        this.offset = offset;
        this.width = width;
        this.bitShift = bitShift;
        this.bitCount = bitCount;
    }

    /** Byte offset from the start of the VMCB page. */
    public int offset() {
        return offset;
    }

    /** Width in bytes of the container at {@link #offset()}. */
    public int width() {
        return width;
    }

    /** Lowest bit of the field within its container (0 for whole-container fields). */
    public int bitShift() {
        return bitShift;
    }

    /** Number of bits the field occupies. */
    public int bitCount() {
        return bitCount;
    }

    /** True when the field is the whole container rather than a bit range of it. */
    public boolean wholeContainer() {
        return bitShift == 0 && bitCount == width * 8;
    }

    /** True for fields in the state-save area (offset 0x400 and up). */
    public boolean inSaveArea() {
        return offset >= VmcbLayout.SAVE_AREA;
    }
}
