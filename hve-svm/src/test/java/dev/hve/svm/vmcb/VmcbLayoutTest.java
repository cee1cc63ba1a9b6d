package dev.hve.svm.vmcb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every VMCB field's offset and width against AMD APM Vol. 2, Appendix B: Table B-1 (control area)
 * and Table B-2 (state-save area, whose offsets are relative to 0x400). The expected values are
 * typed here from the manual, independently of {@link VmcbLayout}.
 */
class VmcbLayoutTest {

    /** {offset, width in bytes, first bit, bit count}. */
    private static final Map<VmcbField, int[]> APM = Map.ofEntries(
        // Table B-1: control area.
        Map.entry(VmcbField.INTERCEPT_CR_READ, new int[] {0x000, 4, 0, 16}),
        Map.entry(VmcbField.INTERCEPT_CR_WRITE, new int[] {0x000, 4, 16, 16}),
        Map.entry(VmcbField.INTERCEPT_DR_READ, new int[] {0x004, 4, 0, 16}),
        Map.entry(VmcbField.INTERCEPT_DR_WRITE, new int[] {0x004, 4, 16, 16}),
        Map.entry(VmcbField.INTERCEPT_EXCEPTIONS, new int[] {0x008, 4, 0, 32}),
        Map.entry(VmcbField.INTERCEPT_VECTOR3, new int[] {0x00C, 4, 0, 32}),
        Map.entry(VmcbField.INTERCEPT_VECTOR4, new int[] {0x010, 4, 0, 32}),
        Map.entry(VmcbField.INTERCEPT_VECTOR5, new int[] {0x014, 4, 0, 32}),
        Map.entry(VmcbField.PAUSE_FILTER_THRESHOLD, new int[] {0x03C, 2, 0, 16}),
        Map.entry(VmcbField.PAUSE_FILTER_COUNT, new int[] {0x03E, 2, 0, 16}),
        Map.entry(VmcbField.IOPM_BASE_PA, new int[] {0x040, 8, 0, 64}),
        Map.entry(VmcbField.MSRPM_BASE_PA, new int[] {0x048, 8, 0, 64}),
        Map.entry(VmcbField.TSC_OFFSET, new int[] {0x050, 8, 0, 64}),
        Map.entry(VmcbField.GUEST_ASID, new int[] {0x058, 4, 0, 32}),
        Map.entry(VmcbField.TLB_CONTROL, new int[] {0x05C, 1, 0, 8}),
        Map.entry(VmcbField.V_TPR, new int[] {0x060, 8, 0, 8}),
        Map.entry(VmcbField.V_IRQ, new int[] {0x060, 8, 8, 1}),
        Map.entry(VmcbField.V_INTR_PRIO, new int[] {0x060, 8, 16, 4}),
        Map.entry(VmcbField.V_IGN_TPR, new int[] {0x060, 8, 20, 1}),
        Map.entry(VmcbField.V_INTR_MASKING, new int[] {0x060, 8, 24, 1}),
        Map.entry(VmcbField.V_INTR_VECTOR, new int[] {0x060, 8, 32, 8}),
        Map.entry(VmcbField.INTERRUPT_SHADOW, new int[] {0x068, 8, 0, 1}),
        Map.entry(VmcbField.GUEST_INTERRUPT_MASK, new int[] {0x068, 8, 1, 1}),
        Map.entry(VmcbField.EXITCODE, new int[] {0x070, 8, 0, 64}),
        Map.entry(VmcbField.EXITINFO1, new int[] {0x078, 8, 0, 64}),
        Map.entry(VmcbField.EXITINFO2, new int[] {0x080, 8, 0, 64}),
        Map.entry(VmcbField.EXITINTINFO, new int[] {0x088, 8, 0, 64}),
        Map.entry(VmcbField.NP_ENABLE, new int[] {0x090, 8, 0, 1}),
        Map.entry(VmcbField.SEV_ENABLE, new int[] {0x090, 8, 1, 1}),
        Map.entry(VmcbField.SEV_ES_ENABLE, new int[] {0x090, 8, 2, 1}),
        Map.entry(VmcbField.AVIC_APIC_BAR, new int[] {0x098, 8, 0, 64}),
        Map.entry(VmcbField.GHCB_GPA, new int[] {0x0A0, 8, 0, 64}),
        Map.entry(VmcbField.EVENTINJ, new int[] {0x0A8, 8, 0, 64}),
        Map.entry(VmcbField.N_CR3, new int[] {0x0B0, 8, 0, 64}),
        Map.entry(VmcbField.LBR_VIRTUALIZATION_ENABLE, new int[] {0x0B8, 8, 0, 1}),
        Map.entry(VmcbField.VIRTUAL_VMSAVE_VMLOAD, new int[] {0x0B8, 8, 1, 1}),
        Map.entry(VmcbField.VMCB_CLEAN, new int[] {0x0C0, 4, 0, 32}),
        Map.entry(VmcbField.NRIP, new int[] {0x0C8, 8, 0, 64}),
        Map.entry(VmcbField.GUEST_INSTRUCTION_BYTES_FETCHED, new int[] {0x0D0, 1, 0, 8}),
        Map.entry(VmcbField.GUEST_INSTRUCTION_BYTES, new int[] {0x0D1, 15, 0, 120}),
        Map.entry(VmcbField.AVIC_APIC_BACKING_PAGE, new int[] {0x0E0, 8, 0, 64}),
        Map.entry(VmcbField.AVIC_LOGICAL_TABLE, new int[] {0x0F0, 8, 0, 64}),
        Map.entry(VmcbField.AVIC_PHYSICAL_TABLE, new int[] {0x0F8, 8, 0, 64}),
        Map.entry(VmcbField.VMSA_POINTER, new int[] {0x108, 8, 0, 64}),
        // Table B-2: state-save area, 0x400 + the table's offset.
        Map.entry(VmcbField.ES_SELECTOR, new int[] {0x400 + 0x000, 2, 0, 16}),
        Map.entry(VmcbField.ES_ATTRIB, new int[] {0x400 + 0x002, 2, 0, 16}),
        Map.entry(VmcbField.ES_LIMIT, new int[] {0x400 + 0x004, 4, 0, 32}),
        Map.entry(VmcbField.ES_BASE, new int[] {0x400 + 0x008, 8, 0, 64}),
        Map.entry(VmcbField.CS_SELECTOR, new int[] {0x400 + 0x010, 2, 0, 16}),
        Map.entry(VmcbField.CS_ATTRIB, new int[] {0x400 + 0x012, 2, 0, 16}),
        Map.entry(VmcbField.CS_LIMIT, new int[] {0x400 + 0x014, 4, 0, 32}),
        Map.entry(VmcbField.CS_BASE, new int[] {0x400 + 0x018, 8, 0, 64}),
        Map.entry(VmcbField.SS_SELECTOR, new int[] {0x400 + 0x020, 2, 0, 16}),
        Map.entry(VmcbField.SS_ATTRIB, new int[] {0x400 + 0x022, 2, 0, 16}),
        Map.entry(VmcbField.SS_LIMIT, new int[] {0x400 + 0x024, 4, 0, 32}),
        Map.entry(VmcbField.SS_BASE, new int[] {0x400 + 0x028, 8, 0, 64}),
        Map.entry(VmcbField.DS_SELECTOR, new int[] {0x400 + 0x030, 2, 0, 16}),
        Map.entry(VmcbField.DS_ATTRIB, new int[] {0x400 + 0x032, 2, 0, 16}),
        Map.entry(VmcbField.DS_LIMIT, new int[] {0x400 + 0x034, 4, 0, 32}),
        Map.entry(VmcbField.DS_BASE, new int[] {0x400 + 0x038, 8, 0, 64}),
        Map.entry(VmcbField.FS_SELECTOR, new int[] {0x400 + 0x040, 2, 0, 16}),
        Map.entry(VmcbField.FS_ATTRIB, new int[] {0x400 + 0x042, 2, 0, 16}),
        Map.entry(VmcbField.FS_LIMIT, new int[] {0x400 + 0x044, 4, 0, 32}),
        Map.entry(VmcbField.FS_BASE, new int[] {0x400 + 0x048, 8, 0, 64}),
        Map.entry(VmcbField.GS_SELECTOR, new int[] {0x400 + 0x050, 2, 0, 16}),
        Map.entry(VmcbField.GS_ATTRIB, new int[] {0x400 + 0x052, 2, 0, 16}),
        Map.entry(VmcbField.GS_LIMIT, new int[] {0x400 + 0x054, 4, 0, 32}),
        Map.entry(VmcbField.GS_BASE, new int[] {0x400 + 0x058, 8, 0, 64}),
        Map.entry(VmcbField.GDTR_LIMIT, new int[] {0x400 + 0x064, 4, 0, 32}),
        Map.entry(VmcbField.GDTR_BASE, new int[] {0x400 + 0x068, 8, 0, 64}),
        Map.entry(VmcbField.LDTR_SELECTOR, new int[] {0x400 + 0x070, 2, 0, 16}),
        Map.entry(VmcbField.LDTR_ATTRIB, new int[] {0x400 + 0x072, 2, 0, 16}),
        Map.entry(VmcbField.LDTR_LIMIT, new int[] {0x400 + 0x074, 4, 0, 32}),
        Map.entry(VmcbField.LDTR_BASE, new int[] {0x400 + 0x078, 8, 0, 64}),
        Map.entry(VmcbField.IDTR_LIMIT, new int[] {0x400 + 0x084, 4, 0, 32}),
        Map.entry(VmcbField.IDTR_BASE, new int[] {0x400 + 0x088, 8, 0, 64}),
        Map.entry(VmcbField.TR_SELECTOR, new int[] {0x400 + 0x090, 2, 0, 16}),
        Map.entry(VmcbField.TR_ATTRIB, new int[] {0x400 + 0x092, 2, 0, 16}),
        Map.entry(VmcbField.TR_LIMIT, new int[] {0x400 + 0x094, 4, 0, 32}),
        Map.entry(VmcbField.TR_BASE, new int[] {0x400 + 0x098, 8, 0, 64}),
        Map.entry(VmcbField.CPL, new int[] {0x400 + 0x0CB, 1, 0, 8}),
        Map.entry(VmcbField.EFER, new int[] {0x400 + 0x0D0, 8, 0, 64}),
        Map.entry(VmcbField.CR4, new int[] {0x400 + 0x148, 8, 0, 64}),
        Map.entry(VmcbField.CR3, new int[] {0x400 + 0x150, 8, 0, 64}),
        Map.entry(VmcbField.CR0, new int[] {0x400 + 0x158, 8, 0, 64}),
        Map.entry(VmcbField.DR7, new int[] {0x400 + 0x160, 8, 0, 64}),
        Map.entry(VmcbField.DR6, new int[] {0x400 + 0x168, 8, 0, 64}),
        Map.entry(VmcbField.RFLAGS, new int[] {0x400 + 0x170, 8, 0, 64}),
        Map.entry(VmcbField.RIP, new int[] {0x400 + 0x178, 8, 0, 64}),
        Map.entry(VmcbField.RSP, new int[] {0x400 + 0x1D8, 8, 0, 64}),
        Map.entry(VmcbField.RAX, new int[] {0x400 + 0x1F8, 8, 0, 64}),
        Map.entry(VmcbField.STAR, new int[] {0x400 + 0x200, 8, 0, 64}),
        Map.entry(VmcbField.LSTAR, new int[] {0x400 + 0x208, 8, 0, 64}),
        Map.entry(VmcbField.CSTAR, new int[] {0x400 + 0x210, 8, 0, 64}),
        Map.entry(VmcbField.SFMASK, new int[] {0x400 + 0x218, 8, 0, 64}),
        Map.entry(VmcbField.KERNEL_GS_BASE, new int[] {0x400 + 0x220, 8, 0, 64}),
        Map.entry(VmcbField.SYSENTER_CS, new int[] {0x400 + 0x228, 8, 0, 64}),
        Map.entry(VmcbField.SYSENTER_ESP, new int[] {0x400 + 0x230, 8, 0, 64}),
        Map.entry(VmcbField.SYSENTER_EIP, new int[] {0x400 + 0x238, 8, 0, 64}),
        Map.entry(VmcbField.CR2, new int[] {0x400 + 0x240, 8, 0, 64}),
        Map.entry(VmcbField.G_PAT, new int[] {0x400 + 0x268, 8, 0, 64}),
        Map.entry(VmcbField.DBGCTL, new int[] {0x400 + 0x270, 8, 0, 64}),
        Map.entry(VmcbField.BR_FROM, new int[] {0x400 + 0x278, 8, 0, 64}),
        Map.entry(VmcbField.BR_TO, new int[] {0x400 + 0x280, 8, 0, 64}),
        Map.entry(VmcbField.LASTEXCPFROM, new int[] {0x400 + 0x288, 8, 0, 64}),
        Map.entry(VmcbField.LASTEXCPTO, new int[] {0x400 + 0x290, 8, 0, 64}));

    @Test
    void everyFieldHasTheApmOffsetAndWidth() {
        Set<VmcbField> unchecked = EnumSet.allOf(VmcbField.class);
        for (Map.Entry<VmcbField, int[]> expected : APM.entrySet()) {
            VmcbField field = expected.getKey();
            int[] apm = expected.getValue();
            assertEquals(apm[0], field.offset(), field + " offset");
            assertEquals(apm[1], field.width(), field + " width");
            assertEquals(apm[2], field.bitShift(), field + " first bit");
            assertEquals(apm[3], field.bitCount(), field + " bit count");
            unchecked.remove(field);
        }
        if (!unchecked.isEmpty()) {
            fail("fields without an APM expectation in this test: " + unchecked);
        }
    }

    @Test
    void wholeFieldsDoNotOverlapAndFitInOnePage() {
        byte[] owner = new byte[VmcbLayout.SIZE];
        VmcbField[] owners = new VmcbField[VmcbLayout.SIZE];
        for (VmcbField field : VmcbField.values()) {
            assertTrue(field.offset() + field.width() <= VmcbLayout.SIZE, field + " past the page");
            if (!field.wholeContainer()) {
                continue;
            }
            for (int b = field.offset(); b < field.offset() + field.width(); b++) {
                if (owner[b] != 0) {
                    fail(field + " overlaps " + owners[b] + " at 0x" + Integer.toHexString(b));
                }
                owner[b] = 1;
                owners[b] = field;
            }
        }
    }

    @Test
    void controlAreaEndsWhereTheSaveAreaBegins() {
        assertEquals(0x400, VmcbLayout.SAVE_AREA);
        for (VmcbField field : VmcbField.values()) {
            if (field.inSaveArea()) {
                assertTrue(field.offset() >= 0x400);
            } else {
                assertTrue(field.offset() + field.width() <= VmcbLayout.HOST_RESERVED, field + " in host-reserved space");
            }
        }
    }

    @Test
    void segmentSlotsFollowTheSaveAreaOrder() {
        int[] expected = {0x400, 0x410, 0x420, 0x430, 0x440, 0x450, 0x470, 0x490};
        for (int s = 0; s < expected.length; s++) {
            assertEquals(expected[s], VmcbLayout.segment(s), "segment " + s);
        }
        assertEquals(0x460, VmcbLayout.GDTR);
        assertEquals(0x480, VmcbLayout.IDTR);
    }
}
