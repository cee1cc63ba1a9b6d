package dev.hve.vmx;

import static dev.hve.vmx.vmcs.VmcsField.EXIT_QUALIFICATION;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.hve.api.Register;
import dev.hve.api.VmExit;
import dev.hve.vmx.controls.ProcessorControls;
import dev.hve.vmx.exit.ExitQualification;
import dev.hve.vmx.exit.ExitReason;
import dev.hve.vmx.vmcs.VmcsField;
import org.junit.jupiter.api.Test;

/**
 * Control-register and debug-register exits (reasons 28 and 29), with qualifications checked
 * against Intel SDM Vol. 3C Tables 28-3 (CR number 3:0, access type 5:4, LMSW operand type 6, GPR
 * 11:8, LMSW source 31:16) and 28-4 (DR number 2:0, direction 4, GPR 11:8), and the CR0/CR4
 * guest/host masks and read shadows of §26.3.
 */
class ControlRegisterExitTest {

    private static Guest guest(int... code) {
        return new Guest().flat32(code).intercept(true, 0);
    }

    @Test
    void movToCr3WithCr3LoadExiting() {
        // mov eax,3000h; mov cr3,eax
        Guest g = guest(0xB8, 0x00, 0x30, 0, 0, 0x0F, 0x22, 0xD8);
        g.setBits(VmcsField.CPU_BASED_VM_EXEC_CONTROL, ProcessorControls.CR3_LOAD_EXITING);
        assertEquals(ExitReason.CR_ACCESS, g.enter(100));
        long q = g.field(EXIT_QUALIFICATION);
        assertEquals(3, ExitQualification.crNumber(q));
        assertEquals(ExitQualification.CR_MOV_TO, ExitQualification.crAccessType(q));
        assertEquals(0, ExitQualification.crGpr(q), "EAX");
        assertEquals(0x3L, q);
        assertEquals(3, g.field(VmcsField.VM_EXIT_INSTRUCTION_LEN));
    }

    @Test
    void cr3TargetValuesSuppressTheLoadExit() {
        // mov ebx,3000h; mov cr3,ebx; hlt
        Guest g = guest(0xBB, 0x00, 0x30, 0, 0, 0x0F, 0x22, 0xDB, 0xF4);
        g.setBits(VmcsField.CPU_BASED_VM_EXEC_CONTROL, ProcessorControls.CR3_LOAD_EXITING);
        g.set(VmcsField.CR3_TARGET_VALUE1, 0x3000);
        g.set(VmcsField.CR3_TARGET_COUNT, 2);
        assertEquals(ExitReason.HLT, g.enter(100));
        assertEquals(0x3000, g.field(VmcsField.GUEST_CR3));
        Guest h = guest(0xBB, 0x00, 0x30, 0, 0, 0x0F, 0x22, 0xDB, 0xF4);
        h.setBits(VmcsField.CPU_BASED_VM_EXEC_CONTROL, ProcessorControls.CR3_LOAD_EXITING);
        h.set(VmcsField.CR3_TARGET_VALUE1, 0x3000);
        h.set(VmcsField.CR3_TARGET_COUNT, 1); // only value 0 counts
        assertEquals(ExitReason.CR_ACCESS, h.enter(100));
        assertEquals(0x303L, h.field(EXIT_QUALIFICATION), "CR3, MOV to CR, EBX");
    }

    @Test
    void movFromCr3WithCr3StoreExiting() {
        Guest g = guest(0x0F, 0x20, 0xDE); // mov esi,cr3
        g.setBits(VmcsField.CPU_BASED_VM_EXEC_CONTROL, ProcessorControls.CR3_STORE_EXITING);
        assertEquals(ExitReason.CR_ACCESS, g.enter(100));
        assertEquals(0x613L, g.field(EXIT_QUALIFICATION), "CR3, MOV from CR, ESI");
    }

    @Test
    void movToCr4ChangingAHostOwnedBitExitsAndTheBackendKeepsTheGuestBelief() {
        // mov ecx,2020h; mov cr4,ecx; mov eax,cr4; hlt
        int[] code = {0xB9, 0x20, 0x20, 0, 0, 0x0F, 0x22, 0xE1, 0x0F, 0x20, 0xE0, 0xF4};
        Guest g = guest(code);
        assertEquals(ExitReason.CR_ACCESS, g.enter(100));
        assertEquals(0x104L, g.field(EXIT_QUALIFICATION), "CR4, MOV to CR, ECX");

        Guest h = guest(code);
        assertInstanceOf(VmExit.Hlt.class, h.vcpu.run(100));
        assertEquals(0x2020, h.vcpu.register(Register.RAX), "the guest reads back what it wrote");
        assertEquals(0x2020, h.vcpu.register(Register.CR4));
        assertEquals(0x2020, h.field(VmcsField.GUEST_CR4));
        assertEquals(0x2000, h.field(VmcsField.CR4_READ_SHADOW) & h.field(VmcsField.CR4_GUEST_HOST_MASK),
            "the shadow holds the guest's VMXE");
    }

    @Test
    void readsOfCr0ReturnTheShadowForHostOwnedBits() {
        // mov eax,cr0; hlt    (real CR0 has NE set; the guest set CR0 = 11h)
        Guest g = guest(0x0F, 0x20, 0xC0, 0xF4);
        assertInstanceOf(VmExit.Hlt.class, g.vcpu.run(100));
        assertEquals(0x11, g.vcpu.register(Register.RAX));
        assertEquals(0x31, g.field(VmcsField.GUEST_CR0), "NE stays set in the real CR0");
        assertEquals(0x11, g.vcpu.register(Register.CR0));
    }

    @Test
    void cltsAndLmswAgainstTheCr0MaskAndShadow() {
        Guest clts = guest(0x0F, 0x06);
        clts.setBits(VmcsField.CR0_GUEST_HOST_MASK, 1 << 3);
        clts.setBits(VmcsField.CR0_READ_SHADOW, 1 << 3);
        assertEquals(ExitReason.CR_ACCESS, clts.enter(100));
        assertEquals(0x20L, clts.field(EXIT_QUALIFICATION), "CR0, CLTS");

        // mov ax,0Bh; lmsw ax -- TS owned by the host with shadow TS = 0: a differing source bit exits
        Guest lmsw = guest(0x66, 0xB8, 0x0B, 0x00, 0x0F, 0x01, 0xF0);
        lmsw.setBits(VmcsField.CR0_GUEST_HOST_MASK, 1 << 3);
        assertEquals(ExitReason.CR_ACCESS, lmsw.enter(100));
        long q = lmsw.field(EXIT_QUALIFICATION);
        assertEquals(0, ExitQualification.crNumber(q));
        assertEquals(ExitQualification.CR_LMSW, ExitQualification.crAccessType(q));
        assertEquals(0, q & (1 << 6), "register operand");
        assertEquals(0xB, (q >>> 16) & 0xF, "LMSW source data");
        assertEquals(3, lmsw.field(VmcsField.VM_EXIT_INSTRUCTION_LEN));

        // Setting a host-owned PE the shadow has clear exits; here PE is already 1 in the source and shadow.
        Guest same = guest(0x66, 0xB8, 0x01, 0x00, 0x0F, 0x01, 0xF0, 0xF4);
        same.setBits(VmcsField.CR0_GUEST_HOST_MASK, 1 | (1 << 3));
        assertEquals(ExitReason.HLT, same.enter(100), "no masked bit changes: no exit");
    }

    @Test
    void lmswFromMemorySetsTheOperandTypeBit() {
        // mov word [2000h],8; lmsw [2000h]
        Guest g = guest(0x66, 0xC7, 0x05, 0x00, 0x20, 0, 0, 0x08, 0x00, 0x0F, 0x01, 0x35, 0x00, 0x20, 0, 0);
        g.setBits(VmcsField.CR0_GUEST_HOST_MASK, 1 << 3);
        assertEquals(ExitReason.CR_ACCESS, g.enter(100));
        long q = g.field(EXIT_QUALIFICATION);
        assertEquals(ExitQualification.CR_LMSW, ExitQualification.crAccessType(q));
        assertEquals(1L << 6, q & (1 << 6), "memory operand");
        assertEquals(7, g.field(VmcsField.VM_EXIT_INSTRUCTION_LEN));
    }

    @Test
    void movDrWithMovDrExiting() {
        Guest to = guest(0x0F, 0x23, 0xF8); // mov dr7,eax
        to.setBits(VmcsField.CPU_BASED_VM_EXEC_CONTROL, ProcessorControls.MOV_DR_EXITING);
        assertEquals(ExitReason.DR_ACCESS, to.enter(100));
        assertEquals(0x7L, to.field(EXIT_QUALIFICATION), "DR7, MOV to DR, EAX");
        Guest from = guest(0x0F, 0x21, 0xF3); // mov ebx,dr6
        from.setBits(VmcsField.CPU_BASED_VM_EXEC_CONTROL, ProcessorControls.MOV_DR_EXITING);
        assertEquals(ExitReason.DR_ACCESS, from.enter(100));
        assertEquals(0x316L, from.field(EXIT_QUALIFICATION), "DR6, MOV from DR, EBX");
    }
}
