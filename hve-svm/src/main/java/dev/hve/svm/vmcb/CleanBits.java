package dev.hve.svm.vmcb;

/**
 * The VMCB clean bits (AMD APM Vol. 2, §15.15.3 "VMCB Clean Field", the table of clean bits) and
 * the VMCB bytes each one covers. A set bit tells VMRUN it may keep its cached copy of that area
 * instead of reading the VMCB; the hypervisor must clear the bit of every area it writes. The bit
 * numbers are the APM's, which KVM names the same way ({@code VMCB_INTERCEPTS} ... {@code VMCB_AVIC}
 * in arch/x86/kvm/svm/svm.h).
 *
 * <p>{@link #covering} is the one map from a VMCB offset to its clean bit; {@link VmcbWriter}, the
 * hypervisor's write path, uses it for every write, so no write can forget its bit.
 */
public final class CleanBits {

    /** Bit 0, I: the intercept vectors, TSC_OFFSET and the pause filter. */
    public static final int I = 1 << 0;
    /** Bit 1, IOPM: IOPM_BASE_PA and MSRPM_BASE_PA. */
    public static final int IOPM = 1 << 1;
    /** Bit 2, ASID. */
    public static final int ASID = 1 << 2;
    /**
     * Bit 3, TPR: the virtual-interrupt quadword (V_TPR, V_IRQ, V_INTR_PRIO, V_IGN_TPR,
     * V_INTR_MASKING, V_INTR_VECTOR).
     */
    public static final int TPR = 1 << 3;
    /** Bit 4, NP: NP_ENABLE, N_CR3 and G_PAT. */
    public static final int NP = 1 << 4;
    /** Bit 5, CRx: CR0, CR3, CR4 and EFER. */
    public static final int CRX = 1 << 5;
    /** Bit 6, DRx: DR6 and DR7. */
    public static final int DRX = 1 << 6;
    /** Bit 7, DT: GDTR and IDTR. */
    public static final int DT = 1 << 7;
    /** Bit 8, SEG: CS, DS, SS, ES (selector, attrib, limit, base) and CPL. */
    public static final int SEG = 1 << 8;
    /** Bit 9, CR2. */
    public static final int CR2 = 1 << 9;
    /** Bit 10, LBR: DBGCTL, BR_FROM, BR_TO, LASTEXCPFROM, LASTEXCPTO. */
    public static final int LBR = 1 << 10;
    /** Bit 11, AVIC: the APIC BAR, backing page and the logical and physical tables. */
    public static final int AVIC = 1 << 11;
    /** Every defined bit; bits 31:12 are reserved. */
    public static final int ALL = (1 << 12) - 1;

    /** For each byte of the VMCB, the clean bit of the area it belongs to, or 0. */
    private static final short[] AREA = new short[VmcbLayout.SIZE];

    static {
        cover(I, VmcbLayout.INTERCEPT_CR, VmcbLayout.INTERCEPT_VECTOR5 + 4);
        cover(I, VmcbLayout.PAUSE_FILTER_THRESHOLD, 4);
        cover(I, VmcbLayout.TSC_OFFSET, 8);
        cover(IOPM, VmcbLayout.IOPM_BASE_PA, 8);
        cover(IOPM, VmcbLayout.MSRPM_BASE_PA, 8);
        cover(ASID, VmcbLayout.GUEST_ASID, 4);
        cover(TPR, VmcbLayout.VINTR_CONTROL, 8);
        cover(NP, VmcbLayout.NP_ENABLE, 8);
        cover(NP, VmcbLayout.N_CR3, 8);
        cover(NP, VmcbLayout.G_PAT, 8);
        cover(CRX, VmcbLayout.CR0, 8);
        cover(CRX, VmcbLayout.CR3, 8);
        cover(CRX, VmcbLayout.CR4, 8);
        cover(CRX, VmcbLayout.EFER, 8);
        cover(DRX, VmcbLayout.DR6, 8);
        cover(DRX, VmcbLayout.DR7, 8);
        cover(DT, VmcbLayout.GDTR, VmcbLayout.SEGMENT_SIZE);
        cover(DT, VmcbLayout.IDTR, VmcbLayout.SEGMENT_SIZE);
        for (int slot : new int[] {VmcbLayout.ES, VmcbLayout.CS, VmcbLayout.SS, VmcbLayout.DS}) {
            cover(SEG, slot, VmcbLayout.SEGMENT_SIZE);
        }
        cover(SEG, VmcbLayout.CPL, 1);
        cover(CR2, VmcbLayout.CR2, 8);
        cover(LBR, VmcbLayout.DBGCTL, VmcbLayout.LASTEXCPTO + 8 - VmcbLayout.DBGCTL);
        cover(AVIC, VmcbLayout.AVIC_APIC_BAR, 8);
        cover(AVIC, VmcbLayout.AVIC_APIC_BACKING_PAGE, 8);
        cover(AVIC, VmcbLayout.AVIC_LOGICAL_TABLE, 8);
        cover(AVIC, VmcbLayout.AVIC_PHYSICAL_TABLE, 8);
    }

    private CleanBits() {
    }

    private static void cover(int bit, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            AREA[i] = (short) bit;
        }
    }

    /**
     * The clean bits of the areas that bytes {@code offset} to {@code offset + size - 1} belong
     * to; 0 when no clean bit covers them (RAX, RSP, RIP, RFLAGS, EVENTINJ, the interrupt shadow,
     * TLB_CONTROL, the exit record, FS, GS, LDTR, TR and the VMLOAD/VMSAVE state).
     */
    public static int covering(int offset, int size) {
        int bits = 0;
        for (int i = offset; i < offset + size; i++) {
            bits |= AREA[i];
        }
        return bits;
    }
}
