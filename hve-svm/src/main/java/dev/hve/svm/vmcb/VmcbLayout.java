package dev.hve.svm.vmcb;

/**
 * Byte offsets of the VMCB fields, as laid out in AMD APM Vol. 2, Appendix B "Layout of VMCB"
 * (Table B-1, control area; Table B-2, state-save area). The VMCB is one 4 KiB page in modeled
 * host memory; a monitor reads and writes these offsets, never a Java object.
 *
 * <p>Save-area offsets are given from the start of the VMCB (0x400 + the table's offset), because
 * that is how a hypervisor addresses a single VMCB page. {@link VmcbField} catalogues every field
 * with its width; these constants are the fast path used on every entry and exit.
 */
public final class VmcbLayout {

    private VmcbLayout() {
    }

    /** The VMCB is exactly one page and must be 4 KiB-aligned (APM §15.5.1, VMRUN rAX). */
    public static final int SIZE = 4096;

    // ---- Control area (Table B-1) ----
    /** Bits 15:0 intercept reads of CR0-CR15, bits 31:16 intercept writes. */
    public static final int INTERCEPT_CR = 0x000;
    /** Bits 15:0 intercept reads of DR0-DR15, bits 31:16 intercept writes. */
    public static final int INTERCEPT_DR = 0x004;
    /** Bit n intercepts exception vector n. */
    public static final int INTERCEPT_EXCEPTIONS = 0x008;
    /** The first general intercept vector (INTR ... shutdown); bits in {@code InterceptBits}. */
    public static final int INTERCEPT_VECTOR3 = 0x00C;
    /** The second general intercept vector (VMRUN ... XSETBV). */
    public static final int INTERCEPT_VECTOR4 = 0x010;
    /** The third general intercept vector (INVLPGB, INVPCID, MCOMMIT, TLBSYNC ...). */
    public static final int INTERCEPT_VECTOR5 = 0x014;
    public static final int PAUSE_FILTER_THRESHOLD = 0x03C;
    public static final int PAUSE_FILTER_COUNT = 0x03E;
    /** Physical base of the 12 KiB I/O permission map; bits 11:0 ignored. */
    public static final int IOPM_BASE_PA = 0x040;
    /** Physical base of the 8 KiB MSR permission map; bits 11:0 ignored. */
    public static final int MSRPM_BASE_PA = 0x048;
    public static final int TSC_OFFSET = 0x050;
    /** Bits 31:0 of the quadword at 0x058. */
    public static final int GUEST_ASID = 0x058;
    /** Bits 39:32 of the quadword at 0x058, i.e. the byte at 0x05C. */
    public static final int TLB_CONTROL = 0x05C;
    /**
     * The virtual-interrupt quadword: V_TPR 7:0, V_IRQ 8, V_INTR_PRIO 19:16, V_IGN_TPR 20,
     * V_INTR_MASKING 24, V_INTR_VECTOR 39:32 (see {@link VintrControl}).
     */
    public static final int VINTR_CONTROL = 0x060;
    /** V_TPR is the low byte of the virtual-interrupt quadword. */
    public static final int V_TPR = 0x060;
    /** V_INTR_VECTOR is bits 39:32, the byte at 0x064. */
    public static final int V_INTR_VECTOR = 0x064;
    /** Bit 0 INTERRUPT_SHADOW, bit 1 GUEST_INTERRUPT_MASK. */
    public static final int INTERRUPT_SHADOW = 0x068;
    public static final int EXITCODE = 0x070;
    public static final int EXITINFO1 = 0x078;
    public static final int EXITINFO2 = 0x080;
    public static final int EXITINTINFO = 0x088;
    /** Bit 0 NP_ENABLE; bits 1 and 2 SEV and SEV-ES (not modeled, must stay clear). */
    public static final int NP_ENABLE = 0x090;
    public static final int AVIC_APIC_BAR = 0x098;
    public static final int GHCB_GPA = 0x0A0;
    public static final int EVENTINJ = 0x0A8;
    public static final int N_CR3 = 0x0B0;
    /** Bit 0 LBR virtualization, bit 1 virtualized VMSAVE/VMLOAD. */
    public static final int LBR_VIRTUALIZATION_ENABLE = 0x0B8;
    /** Bits 31:0: the VMCB clean bits (APM §15.15.3). */
    public static final int VMCB_CLEAN = 0x0C0;
    /** nRIP: the next sequential instruction pointer (APM §15.7.1). */
    public static final int NRIP = 0x0C8;
    /** Number of guest instruction bytes fetched (decode assists, APM §15.33.3). */
    public static final int GUEST_INSTRUCTION_BYTES_FETCHED = 0x0D0;
    /** Up to 15 guest instruction bytes. */
    public static final int GUEST_INSTRUCTION_BYTES = 0x0D1;
    public static final int GUEST_INSTRUCTION_BYTES_MAX = 15;
    public static final int AVIC_APIC_BACKING_PAGE = 0x0E0;
    public static final int AVIC_LOGICAL_TABLE = 0x0F0;
    public static final int AVIC_PHYSICAL_TABLE = 0x0F8;
    public static final int VMSA_POINTER = 0x108;
    /** 0x3E0-0x3FF are reserved for host (hypervisor) use. */
    public static final int HOST_RESERVED = 0x3E0;

    // ---- State-save area (Table B-2), starting at 0x400 ----
    public static final int SAVE_AREA = 0x400;
    /** Each segment register is 16 bytes: selector, attrib, limit, base. */
    public static final int SEGMENT_SIZE = 0x10;
    public static final int ES = 0x400;
    public static final int CS = 0x410;
    public static final int SS = 0x420;
    public static final int DS = 0x430;
    public static final int FS = 0x440;
    public static final int GS = 0x450;
    /** GDTR: only the limit and base words are used. */
    public static final int GDTR = 0x460;
    public static final int LDTR = 0x470;
    /** IDTR: only the limit and base words are used. */
    public static final int IDTR = 0x480;
    public static final int TR = 0x490;
    public static final int SEGMENT_SELECTOR = 0x0;
    /** The 12-bit compressed attribute (descriptor bits 47:40 and 55:52). */
    public static final int SEGMENT_ATTRIB = 0x2;
    public static final int SEGMENT_LIMIT = 0x4;
    public static final int SEGMENT_BASE = 0x8;
    public static final int CPL = 0x4CB;
    public static final int EFER = 0x4D0;
    public static final int CR4 = 0x548;
    public static final int CR3 = 0x550;
    public static final int CR0 = 0x558;
    public static final int DR7 = 0x560;
    public static final int DR6 = 0x568;
    public static final int RFLAGS = 0x570;
    public static final int RIP = 0x578;
    public static final int RSP = 0x5D8;
    public static final int RAX = 0x5F8;
    public static final int STAR = 0x600;
    public static final int LSTAR = 0x608;
    public static final int CSTAR = 0x610;
    public static final int SFMASK = 0x618;
    public static final int KERNEL_GS_BASE = 0x620;
    public static final int SYSENTER_CS = 0x628;
    public static final int SYSENTER_ESP = 0x630;
    public static final int SYSENTER_EIP = 0x638;
    public static final int CR2 = 0x640;
    public static final int G_PAT = 0x668;
    public static final int DBGCTL = 0x670;
    public static final int BR_FROM = 0x678;
    public static final int BR_TO = 0x680;
    public static final int LASTEXCPFROM = 0x688;
    public static final int LASTEXCPTO = 0x690;

    /** The save-area slots of the segment registers, by index (ES=0 ... GS=5, LDTR=6, TR=7). */
    private static final int[] SEGMENT_SLOTS = {ES, CS, SS, DS, FS, GS, LDTR, TR};

    /**
     * The save-area slot of segment register {@code index} (ES=0 ... GS=5, LDTR=6, TR=7). A table
     * rather than a switch: the world switch looks up every slot on each VMRUN and #VMEXIT.
     */
    public static int segment(int index) {
        if (index < 0 || index >= SEGMENT_SLOTS.length) {
            throw new IllegalArgumentException("segment " + index);
        }
        return SEGMENT_SLOTS[index];
    }
}
