package dev.hve.svm.guest;

import static dev.hve.svm.guest.GuestHarness.CODE;
import static dev.hve.svm.guest.GuestHarness.DATA;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hve.api.Register;
import dev.hve.svm.exit.SvmExitCode;
import dev.hve.svm.intercept.InterceptBits;
import dev.hve.svm.vmcb.Vmcb;
import dev.hve.svm.vmcb.VmcbLayout;
import java.util.BitSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The instruction intercepts the core reports through its hooks (INTn, ICEBP, PUSHF, POPF, RSM,
 * IRET, MONITOR, MWAIT and the eight descriptor-table intercepts), at the hardware level: the test
 * sets intercept bits in the VMCB, executes VMRUN and reads the #VMEXIT record (AMD APM Vol. 2
 * §15.9, Table B-1, Appendix C; decode assists §15.33).
 */
class InstructionInterceptTest {

    private static GuestHarness guest(int... code) {
        GuestHarness g = new GuestHarness(code);
        g.intercepts(GuestHarness.config(new BitSet(), Set.of(), 0, false, false, false, false));
        return g;
    }

    private static void intercept3(GuestHarness g, int... bits) {
        for (int bit : bits) {
            g.vcpu.vmcb().setBit(VmcbLayout.INTERCEPT_VECTOR3, bit, true);
        }
    }

    private static void intercept4(GuestHarness g, int... bits) {
        for (int bit : bits) {
            g.vcpu.vmcb().setBit(VmcbLayout.INTERCEPT_VECTOR4, bit, true);
        }
    }

    /** Runs to the next #VMEXIT, checks its record, and completes the instruction as a hypervisor would. */
    private static void assertExit(GuestHarness g, long exitCode, long exitInfo1, long nextRip) {
        Vmcb vmcb = g.vcpu.vmcb();
        assertEquals(exitCode, g.vcpu.vmrun(100), "EXITCODE");
        assertEquals(exitInfo1, vmcb.read64(VmcbLayout.EXITINFO1), "EXITINFO1");
        assertEquals(0, vmcb.read64(VmcbLayout.EXITINFO2), "EXITINFO2");
        assertEquals(0, vmcb.read64(VmcbLayout.EXITINTINFO), "EXITINTINFO");
        assertEquals(nextRip, vmcb.read64(VmcbLayout.NRIP), "nRIP");
        g.vcpu.completeInstruction();
    }

    @Test
    void intnIcebpPushfPopfRsmIret() {
        // int 30h ; icebp ; pushf ; popf ; rsm ; iret
        GuestHarness g = guest(0xCD, 0x30, 0xF1, 0x9C, 0x9D, 0x0F, 0xAA, 0xCF);
        intercept3(g, InterceptBits.INTN, InterceptBits.PUSHF, InterceptBits.POPF, InterceptBits.RSM, InterceptBits.IRET);
        intercept4(g, InterceptBits.ICEBP);
        long rsp = g.vcpu.register(Register.RSP);
        assertExit(g, 0x75, 0x30, CODE + 2); // decode assist: EXITINFO1 = the INTn's vector
        assertExit(g, 0x88, 0, CODE + 3);
        assertExit(g, 0x70, 0, CODE + 4);
        assertExit(g, 0x71, 0, CODE + 5);
        assertExit(g, 0x73, 0, CODE + 7);
        assertExit(g, 0x74, 0, CODE + 8);
        assertEquals(rsp, g.vcpu.register(Register.RSP), "nothing was pushed or popped: each exit came first");
    }

    @Test
    void int3IsAnExceptionNotAnIntn() {
        GuestHarness g = guest(0xCC);
        intercept3(g, InterceptBits.INTN);
        g.vcpu.vmcb().write32(VmcbLayout.INTERCEPT_EXCEPTIONS, 1 << 3);
        assertEquals(SvmExitCode.exception(3), g.vcpu.vmrun(100), "#BP, not VMEXIT_SWINT");
    }

    @Test
    void unintercepedRsmIsUndefinedOutsideSmm() {
        GuestHarness g = guest(0x0F, 0xAA);
        g.vcpu.vmcb().write32(VmcbLayout.INTERCEPT_EXCEPTIONS, 1 << 6);
        assertEquals(SvmExitCode.exception(6), g.vcpu.vmrun(100));
        assertEquals(CODE, g.vcpu.vmcb().read64(VmcbLayout.RIP));
    }

    @Test
    void descriptorTableReadsAndWrites() {
        GuestHarness g = guest(
            0x0F, 0x01, 0x05, 0x00, 0x30, 0x00, 0x00, // sgdt [3000h]
            0x0F, 0x01, 0x0D, 0x00, 0x30, 0x00, 0x00, // sidt [3000h]
            0x0F, 0x01, 0x15, 0x00, 0x30, 0x00, 0x00, // lgdt [3000h]
            0x0F, 0x01, 0x1D, 0x00, 0x30, 0x00, 0x00, // lidt [3000h]
            0x0F, 0x00, 0xC0, // sldt ax
            0x0F, 0x00, 0xC8, // str ax
            0x0F, 0x00, 0xD0, // lldt ax
            0x0F, 0x00, 0xD8); // ltr ax
        for (int bit = InterceptBits.IDTR_READ; bit <= InterceptBits.TR_WRITE; bit++) {
            intercept3(g, bit);
        }
        g.vm.memory().writeValue(DATA, 8, 0x1122_3344_5566_7788L);
        assertExit(g, SvmExitCode.VMEXIT_GDTR_READ, 0, CODE + 7);
        assertEquals(0x1122_3344_5566_7788L, g.vm.memory().readValue(DATA, 8), "the exit precedes the store");
        assertExit(g, SvmExitCode.VMEXIT_IDTR_READ, 0, CODE + 14);
        assertExit(g, SvmExitCode.VMEXIT_GDTR_WRITE, 0, CODE + 21);
        assertExit(g, SvmExitCode.VMEXIT_IDTR_WRITE, 0, CODE + 28);
        assertExit(g, SvmExitCode.VMEXIT_LDTR_READ, 0, CODE + 31);
        assertExit(g, SvmExitCode.VMEXIT_TR_READ, 0, CODE + 34);
        assertExit(g, SvmExitCode.VMEXIT_LDTR_WRITE, 0, CODE + 37);
        assertExit(g, SvmExitCode.VMEXIT_TR_WRITE, 0, CODE + 40);
    }

    @Test
    void onlyTheInterceptedTableExits() {
        // sidt [3000h] ; sgdt [3000h]: with only GDTR reads intercepted, SIDT stores and SGDT exits
        GuestHarness g = guest(0x0F, 0x01, 0x0D, 0x00, 0x30, 0x00, 0x00, 0x0F, 0x01, 0x05, 0x00, 0x30, 0x00, 0x00);
        intercept3(g, InterceptBits.GDTR_READ);
        assertExit(g, SvmExitCode.VMEXIT_GDTR_READ, 0, CODE + 14);
        assertEquals(0x3FF, g.vm.memory().readValue(DATA, 2), "SIDT stored the IDT limit");
    }

    @Test
    void monitorAndMwait() {
        // mov eax, 3000h ; monitor ; mwait
        GuestHarness g = guest(0xB8, 0x00, 0x30, 0x00, 0x00, 0x0F, 0x01, 0xC8, 0x0F, 0x01, 0xC9);
        intercept4(g, InterceptBits.MONITOR, InterceptBits.MWAIT);
        assertExit(g, SvmExitCode.VMEXIT_MONITOR, 0, CODE + 8);
        assertExit(g, SvmExitCode.VMEXIT_MWAIT, 0, CODE + 11);
    }

    @Test
    void mwaitFaultsComeBeforeItsIntercept() {
        // mwait with a reserved ECX bit: #GP(0) has priority over the intercept
        GuestHarness g = guest(0x0F, 0x01, 0xC9);
        intercept4(g, InterceptBits.MWAIT);
        g.vcpu.vmcb().write32(VmcbLayout.INTERCEPT_EXCEPTIONS, 1 << 13);
        g.vcpu.setRegister(Register.RCX, 2);
        assertEquals(SvmExitCode.exception(13), g.vcpu.vmrun(100));
        assertEquals(0, g.vcpu.vmcb().read64(VmcbLayout.EXITINFO1), "error code 0");
    }

    @Test
    void anUninterceptedMonitorIsUndefinedOnTheModeledCpu() {
        GuestHarness g = guest(0x0F, 0x01, 0xC8);
        g.vcpu.vmcb().write32(VmcbLayout.INTERCEPT_EXCEPTIONS, 1 << 6);
        assertEquals(SvmExitCode.exception(6), g.vcpu.vmrun(100));
    }
}
