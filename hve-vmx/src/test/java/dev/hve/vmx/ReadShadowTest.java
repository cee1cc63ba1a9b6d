package dev.hve.vmx;

import static dev.hve.vmx.vmcs.VmcsField.EXIT_QUALIFICATION;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.hve.api.Register;
import dev.hve.api.VmExit;
import dev.hve.vmx.exit.ExitReason;
import dev.hve.vmx.exit.InterruptionInfo;
import dev.hve.vmx.vmcs.VmcsField;
import org.junit.jupiter.api.Test;

/**
 * CR0/CR4 guest/host masks and read shadows as Intel SDM Vol. 3C §26.3 and §26.1.3 describe them:
 * the guest runs with the real registers; MOV from CR0/CR4 and SMSW return the shadow for masked
 * bits; MOV to CR0/CR4, CLTS and LMSW exit when they would give a masked bit a value other than
 * its shadow's, and leave masked bits unmodified when they do not exit.
 */
class ReadShadowTest {

    private static final long TS = 1 << 3;
    private static final long MP = 1 << 1;
    private static final long NE = 1 << 5;
    private static final long PCE = 1 << 8;

    private static Guest guest(int... code) {
        return new Guest().flat32(code).intercept(true, 0);
    }

    @Test
    void movFromCr0AndSmswReturnTheShadowForMaskedBitsOnly() {
        // mov eax,cr0; smsw ebx; mov ecx,cr4; hlt
        Guest g = guest(0x0F, 0x20, 0xC0, 0x0F, 0x01, 0xE3, 0x0F, 0x20, 0xE1, 0xF4);
        g.set(VmcsField.GUEST_CR0, 0x11 | NE | MP);          // real: PE, ET, NE, MP
        g.set(VmcsField.CR0_GUEST_HOST_MASK, NE | TS);
        g.set(VmcsField.CR0_READ_SHADOW, TS);                // the guest believes TS=1, NE=0
        g.set(VmcsField.GUEST_CR4, 0x2000);
        g.set(VmcsField.CR4_GUEST_HOST_MASK, 0x2000 | PCE);
        g.set(VmcsField.CR4_READ_SHADOW, PCE);
        assertEquals(ExitReason.HLT, g.enter(100));
        assertEquals(0x11 | MP | TS, g.vcpu.register(Register.RAX), "MP is the guest's, NE and TS the shadow's");
        assertEquals(0x11 | MP | TS, g.vcpu.register(Register.RBX) & 0xFFFF, "SMSW reads like MOV from CR0");
        assertEquals(PCE, g.vcpu.register(Register.RCX), "VMXE hidden, PCE from the shadow");
        assertEquals(0x11 | NE | MP, g.field(VmcsField.GUEST_CR0), "the real CR0 is untouched");
    }

    @Test
    void theGuestRunsWithTheRealCr0NotTheShadow() {
        // fld1 with real CR0.TS = 1 raises #NM although the guest reads TS = 0 from the shadow.
        Guest g = new Guest().flat32(0xD9, 0xE8, 0xF4).intercept(true, 1 << 7);
        g.set(VmcsField.GUEST_CR0, 0x11 | NE | TS);
        g.set(VmcsField.CR0_GUEST_HOST_MASK, NE | TS);
        g.set(VmcsField.CR0_READ_SHADOW, 0x11);
        assertEquals(ExitReason.EXCEPTION_NMI, g.enter(100));
        assertEquals(7, InterruptionInfo.vector(g.vcpu.vmcs().read32(VmcsField.VM_EXIT_INTR_INFO)));
    }

    @Test
    void movToCr0ThatMatchesTheShadowDoesNotExitAndLeavesMaskedBitsAlone() {
        // mov eax,19h (PE, TS, ET); mov cr0,eax; hlt -- TS is masked with shadow TS = 1, real TS = 0
        Guest g = guest(0xB8, 0x19, 0, 0, 0, 0x0F, 0x22, 0xC0, 0xF4);
        g.set(VmcsField.GUEST_CR0, 0x11 | NE | MP);
        g.set(VmcsField.CR0_GUEST_HOST_MASK, NE | TS);
        g.set(VmcsField.CR0_READ_SHADOW, 0x11 | TS);
        assertEquals(ExitReason.HLT, g.enter(100));
        assertEquals(0x11 | NE, g.field(VmcsField.GUEST_CR0), "MP cleared (guest-owned), TS and NE unmodified");
    }

    @Test
    void movToCr0ThatChangesAMaskedBitAgainstTheShadowExits() {
        // mov eax,19h; mov cr0,eax -- TS masked, shadow TS = 0
        Guest g = guest(0xB8, 0x19, 0, 0, 0, 0x0F, 0x22, 0xC0);
        g.set(VmcsField.CR0_GUEST_HOST_MASK, NE | TS);
        assertEquals(ExitReason.CR_ACCESS, g.enter(100));
        assertEquals(0x0L, g.field(EXIT_QUALIFICATION), "CR0, MOV to CR, EAX");
        assertEquals(0, g.field(VmcsField.GUEST_CR0) & TS, "the exiting write loaded nothing");
    }

    @Test
    void cltsWithTsOwnedAndShadowClearCompletesWithoutChangingTs() {
        Guest owned = guest(0x0F, 0x06, 0xF4); // clts; hlt
        owned.set(VmcsField.GUEST_CR0, 0x11 | NE | TS);
        owned.set(VmcsField.CR0_GUEST_HOST_MASK, NE | TS);
        owned.set(VmcsField.CR0_READ_SHADOW, 0x11);
        assertEquals(ExitReason.HLT, owned.enter(100));
        assertEquals(TS, owned.field(VmcsField.GUEST_CR0) & TS, "CR0.TS not modified");

        Guest free = guest(0x0F, 0x06, 0xF4);
        free.set(VmcsField.GUEST_CR0, 0x11 | NE | TS);
        assertEquals(ExitReason.HLT, free.enter(100));
        assertEquals(0, free.field(VmcsField.GUEST_CR0) & TS, "TS is the guest's: CLTS clears it");
    }

    @Test
    void lmswThatDoesNotExitLeavesMaskedBitsUnmodified() {
        // mov ax,3 (PE, MP); lmsw ax; hlt -- MP masked with shadow MP = 1, real MP = 0; EM (bit 2) is the guest's
        Guest g = guest(0x66, 0xB8, 0x07, 0x00, 0x0F, 0x01, 0xF0, 0xF4);
        g.set(VmcsField.GUEST_CR0, 0x11 | NE);
        g.set(VmcsField.CR0_GUEST_HOST_MASK, NE | MP);
        g.set(VmcsField.CR0_READ_SHADOW, 0x11 | MP);
        assertEquals(ExitReason.HLT, g.enter(100));
        assertEquals(0x11 | NE | 4, g.field(VmcsField.GUEST_CR0), "EM loaded, MP not");
    }

    @Test
    void anExitingWriteIsCarriedOutByTheBackend() {
        // mov eax,cr0; or eax,8; mov cr0,eax; mov ebx,cr0; hlt -- with the backend's mask (NE) TS is the
        // guest's, so only the run through vcpu.run shows the write landing in the real register and the shadow
        Guest g = guest(0x0F, 0x20, 0xC0, 0x83, 0xC8, 0x20, 0x0F, 0x22, 0xC0, 0x0F, 0x20, 0xC3, 0xF4);
        assertInstanceOf(VmExit.Hlt.class, g.vcpu.run(100));
        assertEquals(0x31, g.vcpu.register(Register.RBX), "the guest reads NE back");
        assertEquals(0x31, g.field(VmcsField.GUEST_CR0));
        assertEquals(NE, g.field(VmcsField.CR0_READ_SHADOW) & NE);
    }
}
