package dev.hve.vmx;

import static dev.hve.vmx.vmcs.VmcsField.EXIT_QUALIFICATION;
import static dev.hve.vmx.vmcs.VmcsField.VM_EXIT_INSTRUCTION_LEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hve.api.InterceptConfig;
import dev.hve.api.Register;
import dev.hve.api.VmExit;
import dev.hve.vmx.controls.PinBasedControls;
import dev.hve.vmx.controls.ProcessorControls;
import dev.hve.vmx.controls.SecondaryControls;
import dev.hve.vmx.exit.ExitReason;
import dev.hve.vmx.exit.InterruptionInfo;
import dev.hve.vmx.vmcs.VmcsField;
import java.util.BitSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Exits caused by instructions (Intel SDM Vol. 3C §26.1) and by the processor's own events,
 * with their basic reasons, qualifications and instruction lengths, from guest code.
 */
class InstructionExitTest {

    private static Guest guest(int... code) {
        return new Guest().flat32(code).intercept(true, 0);
    }

    @Test
    void vmcallAlwaysExitsAsAHypercall() {
        Guest g = guest(0x0F, 0x01, 0xC1);
        assertInstanceOf(VmExit.Hypercall.class, g.vcpu.run(100));
        assertEquals(ExitReason.VMCALL, g.vcpu.lastExitRecord().reason());
        assertEquals(3, g.field(VM_EXIT_INSTRUCTION_LEN));
    }

    @Test
    void rdmsrAndWrmsrExitForListedMsrsOnly() {
        InterceptConfig config = new InterceptConfig(new BitSet(), Set.of(0x1B, 0xC000_0100), 0, true, true, false, false);
        // mov ecx,10h; rdmsr (TSC: not listed, the core runs it); mov ecx,1Bh; rdmsr
        Guest g = new Guest().flat32(0xB9, 0x10, 0, 0, 0, 0x0F, 0x32, 0xB9, 0x1B, 0, 0, 0, 0x0F, 0x32).intercept(config);
        VmExit.MsrAccess read = assertInstanceOf(VmExit.MsrAccess.class, g.vcpu.run(100));
        assertEquals(0x1B, read.msr());
        assertEquals(false, read.write());
        assertEquals(ExitReason.MSR_READ, g.vcpu.lastExitRecord().reason());
        assertEquals(Guest.CODE + 12, g.vcpu.register(Register.RIP));
        // mov ecx,C0000100h; mov edx,1; mov eax,2; wrmsr  (a high MSR: bitmap offset 1024/3072)
        Guest h = new Guest().flat32(0xB9, 0x00, 0x01, 0x00, 0xC0, 0xBA, 1, 0, 0, 0, 0xB8, 2, 0, 0, 0, 0x0F, 0x30)
            .intercept(config);
        VmExit.MsrAccess write = assertInstanceOf(VmExit.MsrAccess.class, h.vcpu.run(100));
        assertEquals(0xC000_0100, write.msr());
        assertEquals(0x1_0000_0002L, write.value());
        assertEquals(ExitReason.MSR_WRITE, h.vcpu.lastExitRecord().reason());
    }

    @Test
    void rdtscAndRdtscpExitWithRdtscExiting() {
        Guest g = guest(0x0F, 0x31);
        g.setBits(VmcsField.CPU_BASED_VM_EXEC_CONTROL, ProcessorControls.RDTSC_EXITING);
        assertEquals(ExitReason.RDTSC, g.enter(100));
        assertEquals(2, g.field(VM_EXIT_INSTRUCTION_LEN));
        Guest h = guest(0x0F, 0x01, 0xF9);
        h.setBits(VmcsField.CPU_BASED_VM_EXEC_CONTROL, ProcessorControls.RDTSC_EXITING);
        assertEquals(ExitReason.RDTSCP, h.enter(100));
        assertEquals(3, h.field(VM_EXIT_INSTRUCTION_LEN));
    }

    @Test
    void rdtscpWithoutEnableRdtscpIsUndefinedOpcodeMeetingTheExceptionBitmap() {
        Guest g = guest(0x0F, 0x01, 0xF9);
        g.clearBits(VmcsField.SECONDARY_VM_EXEC_CONTROL, SecondaryControls.ENABLE_RDTSCP);
        g.set(VmcsField.EXCEPTION_BITMAP, 1 << 6);
        assertEquals(ExitReason.EXCEPTION_NMI, g.enter(100));
        assertEquals(InterruptionInfo.encode(6, InterruptionInfo.TYPE_HARDWARE_EXCEPTION, false) & 0xFFFF_FFFFL,
            g.field(VmcsField.VM_EXIT_INTR_INFO));
    }

    @Test
    void tscOffsettingAppliesToRdtsc() {
        // rdtsc; hlt
        Guest g = guest(0x0F, 0x31, 0xF4);
        g.setBits(VmcsField.CPU_BASED_VM_EXEC_CONTROL, ProcessorControls.USE_TSC_OFFSETTING);
        g.set(VmcsField.TSC_OFFSET, 0x7_0000_0000L);
        assertEquals(ExitReason.HLT, g.enter(100));
        long tsc = (g.vcpu.register(Register.RDX) << 32) | (g.vcpu.register(Register.RAX) & 0xFFFF_FFFFL);
        assertTrue(tsc >= 0x7_0000_0000L && tsc < 0x7_0001_0000L, Long.toHexString(tsc));
    }

    @Test
    void invlpgExitCarriesTheLinearAddress() {
        // mov eax,12345000h; invlpg [eax]
        Guest g = guest(0xB8, 0x00, 0x50, 0x34, 0x12, 0x0F, 0x01, 0x38);
        g.setBits(VmcsField.CPU_BASED_VM_EXEC_CONTROL, ProcessorControls.INVLPG_EXITING);
        assertEquals(ExitReason.INVLPG, g.enter(100));
        assertEquals(0x1234_5000L, g.field(EXIT_QUALIFICATION));
        assertEquals(3, g.field(VM_EXIT_INSTRUCTION_LEN));
    }

    @Test
    void pauseWbinvdXsetbvAndInvdExits() {
        Guest pause = guest(0xF3, 0x90);
        pause.setBits(VmcsField.CPU_BASED_VM_EXEC_CONTROL, ProcessorControls.PAUSE_EXITING);
        assertEquals(ExitReason.PAUSE_INSTRUCTION, pause.enter(100));
        assertEquals(2, pause.field(VM_EXIT_INSTRUCTION_LEN));
        Guest wbinvd = guest(0x0F, 0x09);
        wbinvd.setBits(VmcsField.SECONDARY_VM_EXEC_CONTROL, SecondaryControls.WBINVD_EXITING);
        assertEquals(ExitReason.WBINVD, wbinvd.enter(100));
        // XSETBV and INVD exit unconditionally (§26.1.2), once XSETBV's own #UD check (CR4.OSXSAVE) passed (§26.1.1).
        Guest xsetbv = guest(0x0F, 0x01, 0xD1);
        xsetbv.vcpu.setRegister(Register.CR4, 1L << 18);
        assertEquals(ExitReason.XSETBV, xsetbv.enter(100));
        assertEquals(ExitReason.TRIPLE_FAULT, guest(0x0F, 0x01, 0xD1).enter(100), "#UD first, then no IDT: triple fault");
        assertEquals(ExitReason.INVD, guest(0x0F, 0x08).enter(100));
    }

    @Test
    void taskSwitchAlwaysExitsWithSelectorAndSource() {
        // jmp far 28h:0 -- GDT entry 28h is an available 32-bit TSS
        Guest g = guest(0xEA, 0, 0, 0, 0, 0x28, 0x00).gate(0, 0);
        g.vm.memory().writeValue(0x528, 8, 0x0000_8900_3000_0067L);
        g.vcpu.setGdtr(new dev.hve.api.DescriptorTable(0x500, 0x2F));
        assertEquals(ExitReason.TASK_SWITCH, g.enter(100));
        assertEquals(0x28L | (2L << 30), g.field(EXIT_QUALIFICATION), "selector 28h, source JMP");
        assertEquals(7, g.field(VM_EXIT_INSTRUCTION_LEN));
    }

    @Test
    void rdpmcExitsWithRdpmcExiting() {
        Guest g = guest(0x31, 0xC9, 0x0F, 0x33); // xor ecx,ecx; rdpmc
        g.setBits(VmcsField.CPU_BASED_VM_EXEC_CONTROL, ProcessorControls.RDPMC_EXITING);
        assertEquals(ExitReason.RDPMC, g.enter(100));
        assertEquals(2, g.field(VM_EXIT_INSTRUCTION_LEN));
    }

    @Test
    void hltExitsOnlyWithHltExiting() {
        Guest g = guest(0xF4);
        g.clearBits(VmcsField.CPU_BASED_VM_EXEC_CONTROL, ProcessorControls.HLT_EXITING);
        assertEquals(ExitReason.PREEMPTION_TIMER, g.enter(50));
        assertEquals(1, g.field(VmcsField.GUEST_ACTIVITY_STATE), "the guest state is saved in the HLT activity state");
        assertEquals(Guest.CODE + 1, g.field(VmcsField.GUEST_RIP));
    }

    @Test
    void vmxInstructionsExitAndTheMonitorSeesThemAsUndefined() {
        assertEquals(ExitReason.VMXOFF, guest(0x0F, 0x01, 0xC4).enter(100));
        // The backend injects #UD; an intercepted #UD then shows the monitor what the guest sees.
        Guest g = new Guest().flat32(0x0F, 0x01, 0xC4).gate(6, 0x1100).at(0x1100, 0xF4).intercept(true, 0);
        assertInstanceOf(VmExit.Hlt.class, g.vcpu.run(100));
        assertEquals(0x1100, g.vcpu.register(Register.RIP), "#UD was delivered through the IDT to the HLT at 1100h");
    }

    @Test
    void vmptrldReportsItsMemoryOperandInTheInstructionInformation() {
        // vmptrld [ebx+esi*4+10h]  (0F C7 /6, SIB)
        Guest g = guest(0x0F, 0xC7, 0x74, 0xB3, 0x10);
        assertEquals(ExitReason.VMPTRLD, g.enter(100));
        long info = g.field(VmcsField.VMX_INSTRUCTION_INFO);
        assertEquals(2, info & 3, "scaling x4");
        assertEquals(1, (info >>> 7) & 7, "32-bit address size");
        assertEquals(0, info & (1 << 10), "memory operand");
        assertEquals(3, (info >>> 15) & 7, "DS");
        assertEquals(6, (info >>> 18) & 0xF, "index ESI");
        assertEquals(0, info & (1 << 22));
        assertEquals(3, (info >>> 23) & 0xF, "base EBX");
        assertEquals(0, info & (1 << 27));
        assertEquals(0x10, g.field(EXIT_QUALIFICATION), "displacement");
        assertEquals(5, g.field(VM_EXIT_INSTRUCTION_LEN));
    }

    @Test
    void vmreadWithRegisterOperandsReportsReg1AndReg2() {
        // vmread ecx,edx  (0F 78 /r, mod 11, reg EDX = Reg2, rm ECX = Reg1)
        Guest g = guest(0x0F, 0x78, 0xD1);
        assertEquals(ExitReason.VMREAD, g.enter(100));
        long info = g.field(VmcsField.VMX_INSTRUCTION_INFO);
        assertEquals(1L << 10, info & (1 << 10), "register operand");
        assertEquals(1, (info >>> 3) & 0xF, "Reg1 ECX");
        assertEquals(2, (info >>> 28) & 0xF, "Reg2 EDX");
        assertEquals(0, g.field(EXIT_QUALIFICATION));
    }

    @Test
    void preemptionTimerSavesItsValueAndCountsInstructions() {
        Guest g = guest(0x90, 0x90, 0x90, 0xF4);
        assertEquals(ExitReason.HLT, g.enter(100));
        assertEquals(100 - 3, g.field(VmcsField.VMX_PREEMPTION_TIMER_VALUE), "three NOPs retired");
        Guest h = guest(0xEB, 0xFE);
        assertEquals(ExitReason.PREEMPTION_TIMER, h.enter(7));
        assertEquals(0, h.field(VmcsField.VMX_PREEMPTION_TIMER_VALUE));
        assertEquals(ExitReason.PREEMPTION_TIMER, guest(0xF4).enter(0), "a zero timer exits before any instruction");
    }

    @Test
    void hostNmiWithNmiExitingIsExit0WithNmiTypeAndStaysWithTheBackend() {
        Guest g = guest(0xF4);
        g.vcpu.processor().raiseHostNmi();
        assertEquals(ExitReason.EXCEPTION_NMI, g.enter(100));
        assertEquals(0x8000_0202L, g.field(VmcsField.VM_EXIT_INTR_INFO), "valid, type 2 (NMI), vector 2");
        g.vcpu.processor().raiseHostNmi();
        assertInstanceOf(VmExit.Hlt.class, g.vcpu.run(100), "the monitor never sees the host's NMI");
    }

    @Test
    void hostInterruptWithExternalInterruptExitingIsExit1AndPreemptsTheMonitor() {
        Guest g = guest(0xEB, 0xFE);
        g.vcpu.processor().raiseHostInterrupt(0xEF);
        assertEquals(ExitReason.EXTERNAL_INTERRUPT, g.enter(100));
        // "Acknowledge interrupt on exit" is set: the vector is in the VM-exit interruption information.
        assertEquals(0x8000_00EFL, g.field(VmcsField.VM_EXIT_INTR_INFO));
        g.vcpu.processor().raiseHostInterrupt(0x30);
        assertInstanceOf(VmExit.Preempted.class, g.vcpu.run(100));
        g.clearBits(VmcsField.PIN_BASED_VM_EXEC_CONTROL, PinBasedControls.EXTERNAL_INTERRUPT_EXITING);
        assertEquals(ExitReason.PREEMPTION_TIMER, g.enter(10), "without exiting the host interrupt waits");
    }
}
