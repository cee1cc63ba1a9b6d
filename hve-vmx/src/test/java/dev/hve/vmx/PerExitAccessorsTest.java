package dev.hve.vmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hve.api.Register;
import dev.hve.api.Segment;
import dev.hve.api.SegmentRegister;
import dev.hve.api.VmExit;
import org.junit.jupiter.api.Test;

/**
 * The accessors of the common API that MMIO decode reads on every exit, without allocating or
 * one call per register: the segment fields against {@link VmxVcpu#segment} (the same VMCS
 * guest-segment fields in the same canonical form, after a VM exit saved them), and all GPRs at
 * once against {@link VmxVcpu#register}.
 */
class PerExitAccessorsTest {

    @Test
    void eachFieldIsWhatSegmentReturns() {
        Guest g = new Guest().flat32(0xF4); // hlt
        g.vcpu.setSegment(SegmentRegister.GS, new Segment(0x3B, 0xFFFF_8000_0000_0000L, 0xFFFF, 0x40F3, false));
        g.vcpu.setSegment(SegmentRegister.ES, new Segment(0, 0x1000, 0xFFF, 0xC093, true));
        assertInstanceOf(VmExit.Hlt.class, g.vcpu.run(100));
        for (SegmentRegister r : SegmentRegister.values()) {
            Segment whole = g.vcpu.segment(r);
            assertEquals(whole.selector(), g.vcpu.segmentSelector(r), r + " selector");
            assertEquals(whole.base(), g.vcpu.segmentBase(r), r + " base");
            assertEquals(whole.limit(), g.vcpu.segmentLimit(r), r + " limit");
            assertEquals(whole.attributes(), g.vcpu.segmentAttributes(r), r + " attributes");
            assertEquals(whole.unusable(), g.vcpu.segmentUnusable(r), r + " unusable");
        }
        assertTrue(g.vcpu.segmentUnusable(SegmentRegister.ES));
        assertEquals(0, g.vcpu.segmentAttributes(SegmentRegister.ES) & Segment.P, "an unusable segment is not present");
        assertFalse(g.vcpu.segmentUnusable(SegmentRegister.GS));
        assertEquals(0x40F3, g.vcpu.segmentAttributes(SegmentRegister.GS));
        assertEquals(0xFFFF_8000_0000_0000L, g.vcpu.segmentBase(SegmentRegister.GS));
    }

    @Test
    void allSegmentsAtOnceAreWhatTheFieldAccessorsReturn() {
        Guest g = new Guest().flat32(0xF4); // hlt
        g.vcpu.setSegment(SegmentRegister.FS, new Segment(0x2B, 0x7000_0000L, 0xFFFFF, 0xC0F3, false));
        g.vcpu.setSegment(SegmentRegister.ES, new Segment(0, 0x1000, 0xFFF, 0xC093, true));
        assertInstanceOf(VmExit.Hlt.class, g.vcpu.run(100));
        int[] selectors = new int[6];
        long[] bases = new long[6];
        int[] limits = new int[6];
        int[] attributes = new int[6];
        g.vcpu.readSegments(selectors, bases, limits, attributes);
        for (SegmentRegister r : new SegmentRegister[] {SegmentRegister.ES, SegmentRegister.CS, SegmentRegister.SS,
            SegmentRegister.DS, SegmentRegister.FS, SegmentRegister.GS}) {
            int i = r.ordinal();
            assertEquals(g.vcpu.segmentSelector(r), selectors[i], r + " selector");
            assertEquals(g.vcpu.segmentBase(r), bases[i], r + " base");
            assertEquals(g.vcpu.segmentLimit(r), limits[i], r + " limit");
            assertEquals(g.vcpu.segmentAttributes(r) | (g.vcpu.segmentUnusable(r) ? Segment.UNUSABLE : 0), attributes[i],
                r + " attributes");
        }
        assertEquals(0xC093 & ~Segment.P | Segment.UNUSABLE, attributes[0], "ES unusable: P reads 0, bit 16 set");
        assertEquals(0xC0F3, attributes[4]);
        assertEquals(0x7000_0000L, bases[4]);
    }

    @Test
    void allGprsAtOnceAreWhatRegisterReturns() {
        Guest g = new Guest().flat32(0x83, 0xC4, 0x10, 0xF4); // add esp, 16; hlt
        for (int i = 0; i < 16; i++) {
            g.vcpu.setRegister(Register.gpr(i), 0x1111L * (i + 1));
        }
        assertInstanceOf(VmExit.Hlt.class, g.vcpu.run(100));
        long[] all = new long[16];
        g.vcpu.readGprs(all);
        for (int i = 0; i < 16; i++) {
            assertEquals(g.vcpu.register(Register.gpr(i)), all[i], Register.gpr(i).name());
        }
        assertEquals(0x5555L + 16, all[4], "RSP, which lives in the VMCS, as the guest left it");
        assertEquals(0x2222L, all[1]);
    }
}
