package dev.hve.platform.machine;

import dev.hve.api.DescriptorTable;
import dev.hve.api.Register;
import dev.hve.api.Segment;
import dev.hve.api.SegmentRegister;
import dev.hve.api.Vcpu;

/**
 * The state a start-up IPI leaves an application processor in: the INIT state of Intel SDM
 * Vol. 3A §10.1.1 (table 10-1), except that CS selects vector << 8 with base vector << 12 and IP
 * is 0 (§10.4.4.1, "Typical BSP Initialization Sequence").
 */
final class ApStartup {

    /** CR0 after INIT: CD, NW and ET set, protection and paging off. */
    private static final long CR0_AFTER_INIT = 0x6000_0010L;

    private ApStartup() {
    }

    static void enterRealMode(Vcpu vcpu, int vector) {
        for (int i = 0; i < 16; i++) {
            vcpu.setRegister(Register.gpr(i), 0);
        }
        vcpu.setRegister(Register.CR0, CR0_AFTER_INIT);
        vcpu.setRegister(Register.CR3, 0);
        vcpu.setRegister(Register.CR4, 0);
        vcpu.setRegister(Register.EFER, 0);
        vcpu.setRegister(Register.RFLAGS, 0x2);
        vcpu.setSegment(SegmentRegister.CS, Segment.realMode(vector << 8, true));
        for (SegmentRegister data : new SegmentRegister[] {SegmentRegister.DS, SegmentRegister.ES,
            SegmentRegister.SS, SegmentRegister.FS, SegmentRegister.GS}) {
            vcpu.setSegment(data, Segment.realMode(0, false));
        }
        vcpu.setSegment(SegmentRegister.LDTR, new Segment(0, 0, 0xFFFF, 0x82, false));
        vcpu.setSegment(SegmentRegister.TR, new Segment(0, 0, 0xFFFF, 0x8B, false));
        vcpu.setGdtr(new DescriptorTable(0, 0xFFFF));
        vcpu.setIdtr(new DescriptorTable(0, 0xFFFF));
        vcpu.setRegister(Register.RIP, 0);
    }
}
