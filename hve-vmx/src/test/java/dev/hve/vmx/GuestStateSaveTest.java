package dev.hve.vmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.hve.api.Register;
import dev.hve.api.Segment;
import dev.hve.api.SegmentRegister;
import dev.hve.api.VmExit;
import dev.hve.vmx.vmcs.VmcsField;
import org.junit.jupiter.api.Test;

/** The guest-state save of Intel SDM Vol. 3C §28.3 and the register split the accessors hide. */
class GuestStateSaveTest {

    @Test
    void segmentLoadsAndStackChangesAreSavedIntoTheVmcs() {
        // mov ax,10h; mov es,ax; push 1234h; mov ebx,5; hlt
        Guest g = new Guest().flat32(0x66, 0xB8, 0x10, 0x00, 0x8E, 0xC0, 0x68, 0x34, 0x12, 0, 0, 0xBB, 5, 0, 0, 0, 0xF4)
            .gate(0, 0).intercept(true, 0);
        g.vcpu.setSegment(SegmentRegister.ES, new Segment(0, 0, 0, 0, true));
        assertInstanceOf(VmExit.Hlt.class, g.vcpu.run(100));
        assertEquals(0x10, g.field(VmcsField.GUEST_ES_SELECTOR));
        assertEquals(0xFFFF_FFFFL, g.field(VmcsField.GUEST_ES_LIMIT));
        assertEquals(0xC093, g.field(VmcsField.GUEST_ES_AR_BYTES), "accessed, present, DPL 0 data, D/B, G");
        assertEquals(Guest.STACK - 4, g.field(VmcsField.GUEST_RSP), "RSP lives in the VMCS");
        assertEquals(Guest.STACK - 4, g.vcpu.register(Register.RSP));
        assertEquals(5, g.vcpu.register(Register.RBX), "other GPRs live in the software save area");
        assertEquals(Guest.CODE + 16, g.field(VmcsField.GUEST_RIP));
        Segment es = g.vcpu.segment(SegmentRegister.ES);
        assertEquals(0x10, es.selector());
        assertEquals(false, es.unusable());
    }

    @Test
    void registerWritesGoToTheirHomes() {
        Guest g = new Guest().flat32(0xF4);
        g.vcpu.setRegister(Register.RSP, 0x7000);
        g.vcpu.setRegister(Register.RCX, 0x77);
        g.vcpu.setRegister(Register.CR4, 0x20);
        assertEquals(0x7000, g.field(VmcsField.GUEST_RSP));
        assertEquals(0x20 | 0x2000, g.field(VmcsField.GUEST_CR4), "VMXE is forced in the real CR4");
        assertEquals(0x20, g.vcpu.register(Register.CR4), "and hidden from the guest's view");
        assertEquals(0x77, g.vcpu.register(Register.RCX));
        g.vcpu.setSegment(SegmentRegister.TR, new Segment(0x18, 0, 0x67, 0x89, false));
        assertEquals(0x8B, g.field(VmcsField.GUEST_TR_AR_BYTES), "a loaded TSS is busy");
    }

    @Test
    void readGprsTakesRspFromTheVmcsAfterTheMonitorChangedIt() {
        // mov ecx,77h; cpuid (intercepted)
        Guest g = new Guest().flat32(0xB9, 0x77, 0, 0, 0, 0x0F, 0xA2).intercept(true, 0);
        assertInstanceOf(VmExit.Cpuid.class, g.vcpu.run(100));
        long[] gprs = new long[16];
        java.util.Arrays.fill(gprs, -1);
        g.vcpu.readGprs(gprs);
        assertEquals(0x77, gprs[1]);
        assertEquals(Guest.STACK, gprs[4], "RSP as the exit saved it");
        g.vcpu.setRegister(Register.RSP, 0x6000);
        g.vcpu.readGprs(gprs);
        assertEquals(0x6000, gprs[4], "the monitor's RSP, from the VMCS");
        for (int r = 0; r < 16; r++) {
            assertEquals(g.vcpu.register(Register.gpr(r)), gprs[r], "register " + r);
        }
    }
}
