package dev.hve.vmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.hve.api.Register;
import dev.hve.api.Segment;
import dev.hve.api.SegmentRegister;
import dev.hve.api.VmExit;
import dev.hve.vmx.vmcs.VmcsField;
import org.junit.jupiter.api.Test;

/**
 * Segment state over several exits in a row: VM entry loads (Intel SDM Vol. 3C §27.3.2) and VM
 * exit saves (§28.3) the segment registers, GDTR, IDTR and SYSENTER MSRs on every round trip,
 * whether the guest, the monitor or neither changed them since the last one.
 */
class SegmentStateRoundTripTest {

    private static final int[] CPUID = {0x0F, 0xA2};

    @Test
    void aMonitorWriteBetweenExitsIsWhatTheNextEntryLoads() {
        // cpuid; cpuid; mov eax,[100h]; cpuid
        Guest g = new Guest().flat32(0x0F, 0xA2, 0x0F, 0xA2, 0xA1, 0x00, 0x01, 0x00, 0x00, 0x0F, 0xA2)
            .intercept(true, 0);
        g.vm.memory().writeValue(0x100, 4, 0x1111_1111L);
        g.vm.memory().writeValue(0x2100, 4, 0x2222_2222L);
        exitOnCpuidTwice(g);
        g.vcpu.setSegment(SegmentRegister.DS, new Segment(0x10, 0x2000, 0xFFFF_FFFF, 0xC093, false));
        assertInstanceOf(VmExit.Cpuid.class, g.vcpu.run(100));
        assertEquals(0x2222_2222L, g.vcpu.register(Register.RAX), "DS base 2000h: the load reads 2100h");
        assertEquals(0x2000, g.field(VmcsField.GUEST_DS_BASE));
    }

    @Test
    void aGuestSegmentLoadAfterUnchangedRoundTripsIsSaved() {
        // cpuid; cpuid; xor eax,eax; mov es,ax; cpuid
        Guest g = new Guest().flat32(0x0F, 0xA2, 0x0F, 0xA2, 0x31, 0xC0, 0x8E, 0xC0, 0x0F, 0xA2).intercept(true, 0);
        exitOnCpuidTwice(g);
        assertEquals(0x10, g.field(VmcsField.GUEST_ES_SELECTOR));
        assertInstanceOf(VmExit.Cpuid.class, g.vcpu.run(100));
        assertEquals(0, g.field(VmcsField.GUEST_ES_SELECTOR));
        assertEquals(1 << 16, g.field(VmcsField.GUEST_ES_AR_BYTES) & (1 << 16), "a null selector: ES unusable");
        assertEquals(true, g.vcpu.segmentUnusable(SegmentRegister.ES));
    }

    @Test
    void reservedAccessRightsBitsAMonitorWroteAreSavedAsZeroOnEveryExit() {
        Guest g = new Guest().flat32(0x0F, 0xA2, 0x0F, 0xA2, 0x0F, 0xA2).intercept(true, 0);
        // An unusable FS with reserved bit 8 set: VM entry ignores the other bits of an unusable segment.
        g.set(VmcsField.GUEST_FS_AR_BYTES, 0x1_0100);
        assertInstanceOf(VmExit.Cpuid.class, g.vcpu.run(100));
        assertEquals(0x1_0000, g.field(VmcsField.GUEST_FS_AR_BYTES), "§28.3.2: reserved bits are saved as 0");
        g.vcpu.completeInstruction();
        g.set(VmcsField.GUEST_FS_AR_BYTES, 0x1_0100);
        assertInstanceOf(VmExit.Cpuid.class, g.vcpu.run(100));
        assertEquals(0x1_0000, g.field(VmcsField.GUEST_FS_AR_BYTES), "again after an unchanged round trip");
    }

    @Test
    void unchangedRoundTripsLeaveTheSegmentFieldsAsTheFirstSaveWroteThem() {
        Guest g = new Guest().flat32(0x0F, 0xA2, 0x0F, 0xA2, 0x0F, 0xA2).intercept(true, 0);
        long[] first = null;
        for (int exit = 0; exit < 3; exit++) {
            assertInstanceOf(VmExit.Cpuid.class, g.vcpu.run(100));
            long[] fields = segmentFields(g);
            if (first == null) {
                first = fields;
            }
            assertEquals(java.util.Arrays.toString(first), java.util.Arrays.toString(fields), "exit " + exit);
            g.vcpu.completeInstruction();
        }
        assertEquals(0xC09B, first[4 + 3], "CS as flat32 set it, accessed");
    }

    private static void exitOnCpuidTwice(Guest g) {
        for (int i = 0; i < 2; i++) {
            assertInstanceOf(VmExit.Cpuid.class, g.vcpu.run(100));
            assertEquals(Guest.CODE + CPUID.length * i, g.vcpu.register(Register.RIP));
            g.vcpu.completeInstruction();
        }
    }

    /** Selector, base, limit and access rights of the eight segments, then GDTR and IDTR. */
    private static long[] segmentFields(Guest g) {
        long[] values = new long[8 * 4 + 4];
        VmcsField[][] fields = {
            {VmcsField.GUEST_ES_SELECTOR, VmcsField.GUEST_ES_BASE, VmcsField.GUEST_ES_LIMIT, VmcsField.GUEST_ES_AR_BYTES},
            {VmcsField.GUEST_CS_SELECTOR, VmcsField.GUEST_CS_BASE, VmcsField.GUEST_CS_LIMIT, VmcsField.GUEST_CS_AR_BYTES},
            {VmcsField.GUEST_SS_SELECTOR, VmcsField.GUEST_SS_BASE, VmcsField.GUEST_SS_LIMIT, VmcsField.GUEST_SS_AR_BYTES},
            {VmcsField.GUEST_DS_SELECTOR, VmcsField.GUEST_DS_BASE, VmcsField.GUEST_DS_LIMIT, VmcsField.GUEST_DS_AR_BYTES},
            {VmcsField.GUEST_FS_SELECTOR, VmcsField.GUEST_FS_BASE, VmcsField.GUEST_FS_LIMIT, VmcsField.GUEST_FS_AR_BYTES},
            {VmcsField.GUEST_GS_SELECTOR, VmcsField.GUEST_GS_BASE, VmcsField.GUEST_GS_LIMIT, VmcsField.GUEST_GS_AR_BYTES},
            {VmcsField.GUEST_LDTR_SELECTOR, VmcsField.GUEST_LDTR_BASE, VmcsField.GUEST_LDTR_LIMIT,
                VmcsField.GUEST_LDTR_AR_BYTES},
            {VmcsField.GUEST_TR_SELECTOR, VmcsField.GUEST_TR_BASE, VmcsField.GUEST_TR_LIMIT, VmcsField.GUEST_TR_AR_BYTES},
        };
        for (int s = 0; s < 8; s++) {
            for (int f = 0; f < 4; f++) {
                values[4 * s + f] = g.field(fields[s][f]);
            }
        }
        values[32] = g.field(VmcsField.GUEST_GDTR_BASE);
        values[33] = g.field(VmcsField.GUEST_GDTR_LIMIT);
        values[34] = g.field(VmcsField.GUEST_IDTR_BASE);
        values[35] = g.field(VmcsField.GUEST_IDTR_LIMIT);
        return values;
    }
}
