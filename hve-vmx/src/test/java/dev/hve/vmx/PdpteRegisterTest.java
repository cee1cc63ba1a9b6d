package dev.hve.vmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.hve.api.Register;
import dev.hve.api.VmExit;
import dev.hve.vmx.vmcs.VmcsField;
import org.junit.jupiter.api.Test;

/**
 * PAE PDPTE registers under EPT: VM entry loads them from GUEST_PDPTE0-3 (Intel SDM Vol. 3C
 * §27.3.2.4), the guest's walks use them rather than memory (Vol. 3A §4.4.1), only MOV to CR3
 * (or a CR0/CR4 write that matters) reloads them from memory, and VM exit saves them (§28.3.4).
 */
class PdpteRegisterTest {

    private static final long PDPT = 0x5000;

    /** PAE paging: PDPT at 5000h; PD 6000h and PD 7000h each map 0-2 MiB with one large page. */
    private static Guest paeGuest(int... code) {
        Guest g = new Guest().flat32(code).intercept(true, 1 << 14);
        g.vm.memory().writeValue(PDPT, 8, 0x6001);
        g.vm.memory().writeValue(0x6000, 8, 0x83);
        g.vm.memory().writeValue(0x7000, 8, 0x83);
        g.vcpu.setRegister(Register.CR3, PDPT);
        g.vcpu.setRegister(Register.CR4, 0x20);
        g.vcpu.setRegister(Register.CR0, 0x8000_0011L);
        return g;
    }

    @Test
    void theWalkUsesTheVmcsPdpteNotTheOneInMemory() {
        Guest g = paeGuest(0xF4, 0x90, 0xF4); // hlt; nop; hlt
        assertInstanceOf(VmExit.Hlt.class, g.vcpu.run(100));
        assertEquals(0x6001, g.field(VmcsField.GUEST_PDPTE0));
        // The VMCS now names PD 8000h, which maps nothing; memory still names PD 6000h.
        g.set(VmcsField.GUEST_PDPTE0, 0x8001);
        g.vcpu.completeInstruction();
        VmExit.Exception pf = assertInstanceOf(VmExit.Exception.class, g.vcpu.run(100));
        assertEquals(14, pf.vector());
        assertEquals(Guest.CODE + 1, pf.faultAddress(), "the fetch after HLT faults through the VMCS PDPTE");
    }

    @Test
    void memoryChangesReachThePdptesOnlyWhenCr3IsReloaded() {
        // hlt; out 80h,al; mov ecx,cr3; mov cr3,ecx; out 80h,al
        Guest g = paeGuest(0xF4, 0xE6, 0x80, 0x0F, 0x20, 0xD9, 0x0F, 0x22, 0xD9, 0xE6, 0x80);
        assertInstanceOf(VmExit.Hlt.class, g.vcpu.run(100));
        g.vm.memory().writeValue(PDPT, 8, 0x7001);
        g.vcpu.completeInstruction();
        assertInstanceOf(VmExit.PortIo.class, g.vcpu.run(100));
        assertEquals(0x6001, g.field(VmcsField.GUEST_PDPTE0), "saved from the register, not read from memory");
        g.vcpu.completeInstruction();
        assertInstanceOf(VmExit.PortIo.class, g.vcpu.run(100));
        assertEquals(0x7001, g.field(VmcsField.GUEST_PDPTE0), "MOV to CR3 loaded the new PDPTE");
    }

    @Test
    void theMonitorLoadingPagingStateRefreshesTheVmcsPdptes() {
        Guest g = paeGuest(0xF4);
        g.vm.memory().writeValue(PDPT + 8, 8, 0x7001);
        g.vcpu.setRegister(Register.CR3, PDPT);
        assertInstanceOf(VmExit.Hlt.class, g.vcpu.run(100));
        assertEquals(0x7001, g.field(VmcsField.GUEST_PDPTE1));
    }
}
