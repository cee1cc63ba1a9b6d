package dev.hve.vmx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hve.api.Register;
import dev.hve.vmx.exit.ExitReason;
import dev.hve.vmx.exit.InterruptionInfo;
import dev.hve.vmx.vmcs.VmcsField;
import org.junit.jupiter.api.Test;

/**
 * #DB and the exception bitmap (Intel SDM Vol. 3C §28.2.1, Table 28-1): a debug exception that
 * causes a VM exit does not update DR6; the exit qualification carries the bits instead.
 */
class DebugExceptionExitTest {

    private static final long DR6_INIT = 0xFFFF_0FF0L;
    private static final long BS = 1L << 14;

    @Test
    void singleStepExitCarriesBsInTheQualificationAndLeavesDr6Alone() {
        Guest g = new Guest().flat32(0x90, 0x90, 0xF4).intercept(true, 1 << 1); // nop; nop; hlt
        g.vcpu.setRegister(Register.RFLAGS, 2 | 0x100); // TF
        assertEquals(ExitReason.EXCEPTION_NMI, g.enter(100));
        int info = g.vcpu.vmcs().read32(VmcsField.VM_EXIT_INTR_INFO);
        assertEquals(1, InterruptionInfo.vector(info));
        assertEquals(InterruptionInfo.TYPE_HARDWARE_EXCEPTION, InterruptionInfo.type(info));
        assertEquals(BS, g.field(VmcsField.EXIT_QUALIFICATION), "BS (bit 14), nothing else");
        assertEquals(DR6_INIT, g.vcpu.register(Register.DR6), "DR6 not updated");
        assertEquals(Guest.CODE + 1, g.field(VmcsField.GUEST_RIP), "a trap: RIP after the nop");
    }

    @Test
    void withoutTheBitmapBitTheCoreWritesDr6AndDeliversTheTrap() {
        // #DB handler at 1100h: hlt. The trap after the nop goes through the IDT.
        Guest g = new Guest().flat32(0x90, 0x90, 0xF4).gate(1, 0x1100).at(0x1100, 0xF4).intercept(true, 0);
        g.vcpu.setRegister(Register.RFLAGS, 2 | 0x100);
        assertEquals(ExitReason.HLT, g.enter(100));
        assertEquals(0x1100, g.field(VmcsField.GUEST_RIP));
        assertEquals(DR6_INIT | BS, g.vcpu.register(Register.DR6));
    }

    @Test
    void int1HasNoDebugConditionSoTheQualificationIsZero() {
        Guest g = new Guest().flat32(0xF1).intercept(true, 1 << 1); // int1 (ICEBP)
        assertEquals(ExitReason.EXCEPTION_NMI, g.enter(100));
        int info = g.vcpu.vmcs().read32(VmcsField.VM_EXIT_INTR_INFO);
        assertEquals(InterruptionInfo.TYPE_PRIVILEGED_SOFTWARE_EXCEPTION, InterruptionInfo.type(info));
        assertEquals(0, g.field(VmcsField.EXIT_QUALIFICATION));
        assertEquals(1, g.field(VmcsField.VM_EXIT_INSTRUCTION_LEN));
    }
}
