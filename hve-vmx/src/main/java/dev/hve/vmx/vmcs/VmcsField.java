package dev.hve.vmx.vmcs;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;

/**
 * Every VMCS field the Intel SDM defines, at its SDM encoding (Vol. 3C Appendix B, "Field Encoding
 * in VMCS", including the FRED, CET, PKS, HLAT, IPI-virtualization and secondary-exit-control
 * additions). Width and type are not stored: they are derived from the encoding bits, exactly as
 * the processor decodes a VMREAD/VMWRITE operand (§25.11.2): bit 0 access type (full/high), bits
 * 9:1 index, bits 11:10 type, bits 14:13 width.
 *
 * <p>64-bit fields are listed once, by their "full" encoding; the "high" encoding (bit 0 set)
 * accesses bits 63:32 of the same field.
 */
public enum VmcsField {

    // B.1.1 16-bit control fields
    VIRTUAL_PROCESSOR_ID(0x0000, "Virtual-processor identifier (VPID)"),
    POSTED_INTR_NV(0x0002, "Posted-interrupt notification vector"),
    EPTP_INDEX(0x0004, "EPTP index"),
    HLAT_PREFIX_SIZE(0x0006, "HLAT prefix size"),
    LAST_PID_POINTER_INDEX(0x0008, "Last PID-pointer index"),

    // B.1.2 16-bit guest-state fields
    GUEST_ES_SELECTOR(0x0800, "Guest ES selector"),
    GUEST_CS_SELECTOR(0x0802, "Guest CS selector"),
    GUEST_SS_SELECTOR(0x0804, "Guest SS selector"),
    GUEST_DS_SELECTOR(0x0806, "Guest DS selector"),
    GUEST_FS_SELECTOR(0x0808, "Guest FS selector"),
    GUEST_GS_SELECTOR(0x080A, "Guest GS selector"),
    GUEST_LDTR_SELECTOR(0x080C, "Guest LDTR selector"),
    GUEST_TR_SELECTOR(0x080E, "Guest TR selector"),
    GUEST_INTR_STATUS(0x0810, "Guest interrupt status"),
    GUEST_PML_INDEX(0x0812, "PML index"),
    GUEST_UINV(0x0814, "Guest UINV"),

    // B.1.3 16-bit host-state fields
    HOST_ES_SELECTOR(0x0C00, "Host ES selector"),
    HOST_CS_SELECTOR(0x0C02, "Host CS selector"),
    HOST_SS_SELECTOR(0x0C04, "Host SS selector"),
    HOST_DS_SELECTOR(0x0C06, "Host DS selector"),
    HOST_FS_SELECTOR(0x0C08, "Host FS selector"),
    HOST_GS_SELECTOR(0x0C0A, "Host GS selector"),
    HOST_TR_SELECTOR(0x0C0C, "Host TR selector"),

    // B.2.1 64-bit control fields
    IO_BITMAP_A(0x2000, "Address of I/O bitmap A"),
    IO_BITMAP_B(0x2002, "Address of I/O bitmap B"),
    MSR_BITMAP(0x2004, "Address of MSR bitmaps"),
    VM_EXIT_MSR_STORE_ADDR(0x2006, "VM-exit MSR-store address"),
    VM_EXIT_MSR_LOAD_ADDR(0x2008, "VM-exit MSR-load address"),
    VM_ENTRY_MSR_LOAD_ADDR(0x200A, "VM-entry MSR-load address"),
    EXECUTIVE_VMCS_POINTER(0x200C, "Executive-VMCS pointer"),
    PML_ADDRESS(0x200E, "PML address"),
    TSC_OFFSET(0x2010, "TSC offset"),
    VIRTUAL_APIC_PAGE_ADDR(0x2012, "Virtual-APIC address"),
    APIC_ACCESS_ADDR(0x2014, "APIC-access address"),
    POSTED_INTR_DESC_ADDR(0x2016, "Posted-interrupt descriptor address"),
    VM_FUNCTION_CONTROLS(0x2018, "VM-function controls"),
    EPT_POINTER(0x201A, "EPT pointer (EPTP)"),
    EOI_EXIT_BITMAP0(0x201C, "EOI-exit bitmap 0"),
    EOI_EXIT_BITMAP1(0x201E, "EOI-exit bitmap 1"),
    EOI_EXIT_BITMAP2(0x2020, "EOI-exit bitmap 2"),
    EOI_EXIT_BITMAP3(0x2022, "EOI-exit bitmap 3"),
    EPTP_LIST_ADDRESS(0x2024, "EPTP-list address"),
    VMREAD_BITMAP(0x2026, "VMREAD-bitmap address"),
    VMWRITE_BITMAP(0x2028, "VMWRITE-bitmap address"),
    VE_INFORMATION_ADDRESS(0x202A, "Virtualization-exception information address"),
    XSS_EXIT_BITMAP(0x202C, "XSS-exiting bitmap"),
    ENCLS_EXITING_BITMAP(0x202E, "ENCLS-exiting bitmap"),
    SPP_TABLE_POINTER(0x2030, "Sub-page-permission-table pointer"),
    TSC_MULTIPLIER(0x2032, "TSC multiplier"),
    TERTIARY_VM_EXEC_CONTROL(0x2034, "Tertiary processor-based VM-execution controls"),
    ENCLV_EXITING_BITMAP(0x2036, "ENCLV-exiting bitmap"),
    LOW_PASID_DIRECTORY_ADDRESS(0x2038, "Low PASID directory address"),
    HIGH_PASID_DIRECTORY_ADDRESS(0x203A, "High PASID directory address"),
    SHARED_EPT_POINTER(0x203C, "Shared EPT pointer"),
    PCONFIG_EXITING_BITMAP(0x203E, "PCONFIG-exiting bitmap"),
    HLATP(0x2040, "Hypervisor-managed linear-address translation pointer"),
    PID_POINTER_TABLE(0x2042, "PID-pointer table address"),
    SECONDARY_VM_EXIT_CONTROLS(0x2044, "Secondary VM-exit controls"),
    IA32_SPEC_CTRL_MASK(0x204A, "IA32_SPEC_CTRL mask"),
    IA32_SPEC_CTRL_SHADOW(0x204C, "IA32_SPEC_CTRL shadow"),
    INJECTED_EVENT_DATA(0x2052, "Injected-event data"),

    // B.2.2 64-bit read-only data fields
    GUEST_PHYSICAL_ADDRESS(0x2400, "Guest-physical address"),
    ORIGINAL_EVENT_DATA(0x2404, "Original-event data"),

    // B.2.3 64-bit guest-state fields
    VMCS_LINK_POINTER(0x2800, "VMCS link pointer"),
    GUEST_IA32_DEBUGCTL(0x2802, "Guest IA32_DEBUGCTL"),
    GUEST_IA32_PAT(0x2804, "Guest IA32_PAT"),
    GUEST_IA32_EFER(0x2806, "Guest IA32_EFER"),
    GUEST_IA32_PERF_GLOBAL_CTRL(0x2808, "Guest IA32_PERF_GLOBAL_CTRL"),
    GUEST_PDPTE0(0x280A, "Guest PDPTE0"),
    GUEST_PDPTE1(0x280C, "Guest PDPTE1"),
    GUEST_PDPTE2(0x280E, "Guest PDPTE2"),
    GUEST_PDPTE3(0x2810, "Guest PDPTE3"),
    GUEST_IA32_BNDCFGS(0x2812, "Guest IA32_BNDCFGS"),
    GUEST_IA32_RTIT_CTL(0x2814, "Guest IA32_RTIT_CTL"),
    GUEST_IA32_LBR_CTL(0x2816, "Guest IA32_LBR_CTL"),
    GUEST_IA32_PKRS(0x2818, "Guest IA32_PKRS"),
    GUEST_IA32_FRED_CONFIG(0x281A, "Guest IA32_FRED_CONFIG"),
    GUEST_IA32_FRED_RSP1(0x281C, "Guest IA32_FRED_RSP1"),
    GUEST_IA32_FRED_RSP2(0x281E, "Guest IA32_FRED_RSP2"),
    GUEST_IA32_FRED_RSP3(0x2820, "Guest IA32_FRED_RSP3"),
    GUEST_IA32_FRED_STKLVLS(0x2822, "Guest IA32_FRED_STKLVLS"),
    GUEST_IA32_FRED_SSP1(0x2824, "Guest IA32_FRED_SSP1"),
    GUEST_IA32_FRED_SSP2(0x2826, "Guest IA32_FRED_SSP2"),
    GUEST_IA32_FRED_SSP3(0x2828, "Guest IA32_FRED_SSP3"),

    // B.2.4 64-bit host-state fields
    HOST_IA32_PAT(0x2C00, "Host IA32_PAT"),
    HOST_IA32_EFER(0x2C02, "Host IA32_EFER"),
    HOST_IA32_PERF_GLOBAL_CTRL(0x2C04, "Host IA32_PERF_GLOBAL_CTRL"),
    HOST_IA32_PKRS(0x2C06, "Host IA32_PKRS"),
    HOST_IA32_FRED_CONFIG(0x2C08, "Host IA32_FRED_CONFIG"),
    HOST_IA32_FRED_RSP1(0x2C0A, "Host IA32_FRED_RSP1"),
    HOST_IA32_FRED_RSP2(0x2C0C, "Host IA32_FRED_RSP2"),
    HOST_IA32_FRED_RSP3(0x2C0E, "Host IA32_FRED_RSP3"),
    HOST_IA32_FRED_STKLVLS(0x2C10, "Host IA32_FRED_STKLVLS"),
    HOST_IA32_FRED_SSP1(0x2C12, "Host IA32_FRED_SSP1"),
    HOST_IA32_FRED_SSP2(0x2C14, "Host IA32_FRED_SSP2"),
    HOST_IA32_FRED_SSP3(0x2C16, "Host IA32_FRED_SSP3"),

    // B.3.1 32-bit control fields
    PIN_BASED_VM_EXEC_CONTROL(0x4000, "Pin-based VM-execution controls"),
    CPU_BASED_VM_EXEC_CONTROL(0x4002, "Primary processor-based VM-execution controls"),
    EXCEPTION_BITMAP(0x4004, "Exception bitmap"),
    PAGE_FAULT_ERROR_CODE_MASK(0x4006, "Page-fault error-code mask"),
    PAGE_FAULT_ERROR_CODE_MATCH(0x4008, "Page-fault error-code match"),
    CR3_TARGET_COUNT(0x400A, "CR3-target count"),
    VM_EXIT_CONTROLS(0x400C, "Primary VM-exit controls"),
    VM_EXIT_MSR_STORE_COUNT(0x400E, "VM-exit MSR-store count"),
    VM_EXIT_MSR_LOAD_COUNT(0x4010, "VM-exit MSR-load count"),
    VM_ENTRY_CONTROLS(0x4012, "VM-entry controls"),
    VM_ENTRY_MSR_LOAD_COUNT(0x4014, "VM-entry MSR-load count"),
    VM_ENTRY_INTR_INFO_FIELD(0x4016, "VM-entry interruption-information field"),
    VM_ENTRY_EXCEPTION_ERROR_CODE(0x4018, "VM-entry exception error code"),
    VM_ENTRY_INSTRUCTION_LEN(0x401A, "VM-entry instruction length"),
    TPR_THRESHOLD(0x401C, "TPR threshold"),
    SECONDARY_VM_EXEC_CONTROL(0x401E, "Secondary processor-based VM-execution controls"),
    PLE_GAP(0x4020, "PLE_Gap"),
    PLE_WINDOW(0x4022, "PLE_Window"),
    INSTRUCTION_TIMEOUT_CONTROL(0x4024, "Instruction-timeout control"),

    // B.3.2 32-bit read-only data fields
    VM_INSTRUCTION_ERROR(0x4400, "VM-instruction error"),
    VM_EXIT_REASON(0x4402, "Exit reason"),
    VM_EXIT_INTR_INFO(0x4404, "VM-exit interruption information"),
    VM_EXIT_INTR_ERROR_CODE(0x4406, "VM-exit interruption error code"),
    IDT_VECTORING_INFO_FIELD(0x4408, "IDT-vectoring information field"),
    IDT_VECTORING_ERROR_CODE(0x440A, "IDT-vectoring error code"),
    VM_EXIT_INSTRUCTION_LEN(0x440C, "VM-exit instruction length"),
    VMX_INSTRUCTION_INFO(0x440E, "VM-exit instruction information"),

    // B.3.3 32-bit guest-state fields
    GUEST_ES_LIMIT(0x4800, "Guest ES limit"),
    GUEST_CS_LIMIT(0x4802, "Guest CS limit"),
    GUEST_SS_LIMIT(0x4804, "Guest SS limit"),
    GUEST_DS_LIMIT(0x4806, "Guest DS limit"),
    GUEST_FS_LIMIT(0x4808, "Guest FS limit"),
    GUEST_GS_LIMIT(0x480A, "Guest GS limit"),
    GUEST_LDTR_LIMIT(0x480C, "Guest LDTR limit"),
    GUEST_TR_LIMIT(0x480E, "Guest TR limit"),
    GUEST_GDTR_LIMIT(0x4810, "Guest GDTR limit"),
    GUEST_IDTR_LIMIT(0x4812, "Guest IDTR limit"),
    GUEST_ES_AR_BYTES(0x4814, "Guest ES access rights"),
    GUEST_CS_AR_BYTES(0x4816, "Guest CS access rights"),
    GUEST_SS_AR_BYTES(0x4818, "Guest SS access rights"),
    GUEST_DS_AR_BYTES(0x481A, "Guest DS access rights"),
    GUEST_FS_AR_BYTES(0x481C, "Guest FS access rights"),
    GUEST_GS_AR_BYTES(0x481E, "Guest GS access rights"),
    GUEST_LDTR_AR_BYTES(0x4820, "Guest LDTR access rights"),
    GUEST_TR_AR_BYTES(0x4822, "Guest TR access rights"),
    GUEST_INTERRUPTIBILITY_INFO(0x4824, "Guest interruptibility state"),
    GUEST_ACTIVITY_STATE(0x4826, "Guest activity state"),
    GUEST_SMBASE(0x4828, "Guest SMBASE"),
    GUEST_SYSENTER_CS(0x482A, "Guest IA32_SYSENTER_CS"),
    VMX_PREEMPTION_TIMER_VALUE(0x482E, "VMX-preemption timer value"),

    // B.3.4 32-bit host-state field
    HOST_IA32_SYSENTER_CS(0x4C00, "Host IA32_SYSENTER_CS"),

    // B.4.1 natural-width control fields
    CR0_GUEST_HOST_MASK(0x6000, "CR0 guest/host mask"),
    CR4_GUEST_HOST_MASK(0x6002, "CR4 guest/host mask"),
    CR0_READ_SHADOW(0x6004, "CR0 read shadow"),
    CR4_READ_SHADOW(0x6006, "CR4 read shadow"),
    CR3_TARGET_VALUE0(0x6008, "CR3-target value 0"),
    CR3_TARGET_VALUE1(0x600A, "CR3-target value 1"),
    CR3_TARGET_VALUE2(0x600C, "CR3-target value 2"),
    CR3_TARGET_VALUE3(0x600E, "CR3-target value 3"),

    // B.4.2 natural-width read-only data fields
    EXIT_QUALIFICATION(0x6400, "Exit qualification"),
    IO_RCX(0x6402, "I/O RCX"),
    IO_RSI(0x6404, "I/O RSI"),
    IO_RDI(0x6406, "I/O RDI"),
    IO_RIP(0x6408, "I/O RIP"),
    GUEST_LINEAR_ADDRESS(0x640A, "Guest-linear address"),

    // B.4.3 natural-width guest-state fields
    GUEST_CR0(0x6800, "Guest CR0"),
    GUEST_CR3(0x6802, "Guest CR3"),
    GUEST_CR4(0x6804, "Guest CR4"),
    GUEST_ES_BASE(0x6806, "Guest ES base"),
    GUEST_CS_BASE(0x6808, "Guest CS base"),
    GUEST_SS_BASE(0x680A, "Guest SS base"),
    GUEST_DS_BASE(0x680C, "Guest DS base"),
    GUEST_FS_BASE(0x680E, "Guest FS base"),
    GUEST_GS_BASE(0x6810, "Guest GS base"),
    GUEST_LDTR_BASE(0x6812, "Guest LDTR base"),
    GUEST_TR_BASE(0x6814, "Guest TR base"),
    GUEST_GDTR_BASE(0x6816, "Guest GDTR base"),
    GUEST_IDTR_BASE(0x6818, "Guest IDTR base"),
    GUEST_DR7(0x681A, "Guest DR7"),
    GUEST_RSP(0x681C, "Guest RSP"),
    GUEST_RIP(0x681E, "Guest RIP"),
    GUEST_RFLAGS(0x6820, "Guest RFLAGS"),
    GUEST_PENDING_DBG_EXCEPTIONS(0x6822, "Guest pending debug exceptions"),
    GUEST_SYSENTER_ESP(0x6824, "Guest IA32_SYSENTER_ESP"),
    GUEST_SYSENTER_EIP(0x6826, "Guest IA32_SYSENTER_EIP"),
    GUEST_S_CET(0x6828, "Guest IA32_S_CET"),
    GUEST_SSP(0x682A, "Guest SSP"),
    GUEST_INTR_SSP_TABLE(0x682C, "Guest IA32_INTERRUPT_SSP_TABLE_ADDR"),

    // B.4.4 natural-width host-state fields
    HOST_CR0(0x6C00, "Host CR0"),
    HOST_CR3(0x6C02, "Host CR3"),
    HOST_CR4(0x6C04, "Host CR4"),
    HOST_FS_BASE(0x6C06, "Host FS base"),
    HOST_GS_BASE(0x6C08, "Host GS base"),
    HOST_TR_BASE(0x6C0A, "Host TR base"),
    HOST_GDTR_BASE(0x6C0C, "Host GDTR base"),
    HOST_IDTR_BASE(0x6C0E, "Host IDTR base"),
    HOST_IA32_SYSENTER_ESP(0x6C10, "Host IA32_SYSENTER_ESP"),
    HOST_IA32_SYSENTER_EIP(0x6C12, "Host IA32_SYSENTER_EIP"),
    HOST_RSP(0x6C14, "Host RSP"),
    HOST_RIP(0x6C16, "Host RIP"),
    HOST_S_CET(0x6C18, "Host IA32_S_CET"),
    HOST_SSP(0x6C1A, "Host SSP"),
    HOST_INTR_SSP_TABLE(0x6C1C, "Host IA32_INTERRUPT_SSP_TABLE_ADDR");

    /** Bit 0 of an encoding: 1 selects the high 32 bits of a 64-bit field. */
    public static final int ACCESS_HIGH = 1;

    private static final VmcsField[] VALUES = values();
    private static final Map<Integer, VmcsField> BY_ENCODING = new HashMap<>();

    static {
        for (VmcsField field : VALUES) {
            BY_ENCODING.put(field.encoding, field);
            field.rewrittenEveryExit = field.readOnly();
        }
        for (VmcsField field : EnumSet.of(GUEST_RIP, GUEST_RSP, GUEST_RFLAGS, GUEST_INTERRUPTIBILITY_INFO,
            GUEST_ACTIVITY_STATE, GUEST_PENDING_DBG_EXCEPTIONS, VM_ENTRY_INTR_INFO_FIELD, VM_ENTRY_EXCEPTION_ERROR_CODE,
            VM_ENTRY_INSTRUCTION_LEN, VMX_PREEMPTION_TIMER_VALUE, TSC_OFFSET, GUEST_PDPTE0, GUEST_PDPTE1, GUEST_PDPTE2,
            GUEST_PDPTE3)) {
            field.rewrittenEveryExit = true;
        }
    }

    private final int encoding;
    private final String sdmName;
    /** The bits the field holds, from its width: every processor write truncates to it. */
    private final long mask;
    /** See {@link #rewrittenEveryExit()}; set by the static initializer once every constant exists. */
    private boolean rewrittenEveryExit;

    VmcsField(int encoding, String sdmName) {
        this.encoding = encoding;
        this.sdmName = sdmName;
        this.mask = FieldWidth.of(encoding).mask();
    }

    /**
     * The fields that change on (nearly) every VM exit or entry: RIP, RSP, RFLAGS, the
     * interruptibility and activity state, the pending debug exceptions, the event-injection
     * fields, the preemption-timer value, the TSC offset, the PDPTEs and the read-only exit
     * information. Every other field is settled: it changes only when the guest or the monitor
     * changes what it describes (see {@link Vmcs#settledChanges()}).
     */
    public boolean rewrittenEveryExit() {
        return rewrittenEveryExit;
    }

    /** {@code width().mask()}, kept per field because the exit path writes dozens of fields. */
    public long mask() {
        return mask;
    }

    /** The SDM encoding (for 64-bit fields, the "full" encoding). */
    public int encoding() {
        return encoding;
    }

    /** The field's name as Appendix B spells it. */
    public String sdmName() {
        return sdmName;
    }

    public FieldWidth width() {
        return FieldWidth.of(encoding);
    }

    public FieldType type() {
        return FieldType.of(encoding);
    }

    /** Bits 9:1 of the encoding. */
    public int index() {
        return (encoding >>> 1) & 0x1FF;
    }

    public boolean readOnly() {
        return type() == FieldType.READ_ONLY_DATA;
    }

    /** The number of fields; ordinals index {@link Vmcs}'s storage. */
    public static int count() {
        return VALUES.length;
    }

    public static VmcsField byOrdinal(int ordinal) {
        return VALUES[ordinal];
    }

    /**
     * The field named by a VMREAD/VMWRITE encoding, or {@code null} when the encoding names no
     * field: bits 31:15 or 12 set, an unknown index, or a high access to a field that is not
     * 64 bits wide.
     */
    public static VmcsField byEncoding(long encoding) {
        if ((encoding & ~0x7FFFL) != 0 || (encoding & (1 << 12)) != 0) {
            return null;
        }
        int value = (int) encoding;
        VmcsField field = BY_ENCODING.get(value & ~ACCESS_HIGH);
        if (field == null) {
            return null;
        }
        if ((value & ACCESS_HIGH) != 0 && field.width() != FieldWidth.BITS_64) {
            return null;
        }
        return field;
    }

    /** True when {@code encoding} is the high-access encoding of a 64-bit field. */
    public static boolean isHighAccess(long encoding) {
        return (encoding & ACCESS_HIGH) != 0;
    }
}
