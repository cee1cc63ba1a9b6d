package dev.hve.vmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hve.api.VmExit;
import dev.hve.emulator.memory.HostMemory;
import dev.hve.vmx.capability.VmxCapabilities;
import dev.hve.vmx.controls.EntryControls;
import dev.hve.vmx.controls.ExitControls;
import dev.hve.vmx.controls.PinBasedControls;
import dev.hve.vmx.controls.ProcessorControls;
import dev.hve.vmx.controls.SecondaryControls;
import dev.hve.vmx.cpu.VmFailInvalid;
import dev.hve.vmx.cpu.VmxProcessor;
import dev.hve.vmx.exit.ExitReason;
import dev.hve.vmx.exit.InterruptionInfo;
import dev.hve.vmx.vmcs.LaunchState;
import dev.hve.vmx.vmcs.Vmcs;
import dev.hve.vmx.vmcs.VmcsField;
import dev.hve.vmx.vmcs.VmFailValid;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * One test per VM-instruction error and VM-entry failure path, each with the outcome Intel SDM
 * Vol. 3C prescribes: VMfailValid with error 4, 5, 7 or 8 (§27.1, §27.2), or a VM exit with basic
 * reason 33 and bit 31 set for invalid guest state (§27.3, §27.8), with its exit qualification.
 */
class VmEntryCheckTest {

    private static final int ENTRY_FAILURE_33 = ExitReason.VM_ENTRY_FAILURE | ExitReason.INVALID_GUEST_STATE;

    /** A vCPU whose VMCS holds a valid 32-bit flat guest: the baseline every test breaks one rule of. */
    private static Guest guest() {
        return new Guest().flat32(0xF4).intercept(true, 0);
    }

    private static VmFailValid vmfail(Consumer<Vmcs> breakIt, String rule) {
        Guest g = guest();
        breakIt.accept(g.vcpu.vmcs());
        VmFailValid failure = assertThrows(VmFailValid.class, () -> g.vcpu.enterOnce(1000));
        String failed = g.vcpu.processor().lastEntryFailure();
        assertTrue(failed.contains(rule), "expected a failure of \"" + rule + "\" but got \"" + failed + "\"");
        assertEquals(failure.error(), g.vcpu.vmcs().read(VmcsField.VM_INSTRUCTION_ERROR));
        assertEquals(LaunchState.CLEAR, g.vcpu.vmcs().launchState(), "a failed VMLAUNCH leaves the VMCS clear");
        return failure;
    }

    private static int guestFailure(Consumer<Vmcs> breakIt, long expectedQualification, String rule) {
        Guest g = guest();
        breakIt.accept(g.vcpu.vmcs());
        int reason = g.vcpu.processor().vmlaunch();
        String failed = g.vcpu.processor().lastEntryFailure();
        assertTrue(failed != null && failed.contains(rule), "expected a failure of \"" + rule + "\" but got \"" + failed + "\"");
        Vmcs vmcs = g.vcpu.vmcs();
        assertEquals(ENTRY_FAILURE_33, reason, g.vcpu.processor().lastEntryFailure());
        assertEquals(ENTRY_FAILURE_33 & 0xFFFF_FFFFL, vmcs.read(VmcsField.VM_EXIT_REASON));
        assertEquals(expectedQualification, vmcs.read(VmcsField.EXIT_QUALIFICATION));
        assertEquals(LaunchState.CLEAR, vmcs.launchState(), "VM entry failed after the checks: the VMCS stays clear");
        return reason;
    }

    private static void setBits(Vmcs vmcs, VmcsField field, long bits) {
        vmcs.write(field, vmcs.read(field) | bits);
    }

    private static void clearBits(Vmcs vmcs, VmcsField field, long bits) {
        vmcs.write(field, vmcs.read(field) & ~bits);
    }

    // ---- VMLAUNCH/VMRESUME launch state (§31.3)

    @Test
    void vmlaunchOfALaunchedVmcsIsError4() {
        Guest g = guest();
        assertInstanceOf(VmExit.Hlt.class, g.vcpu.run(100));
        assertEquals(LaunchState.LAUNCHED, g.vcpu.vmcs().launchState());
        VmFailValid failure = assertThrows(VmFailValid.class, () -> g.vcpu.processor().vmlaunch());
        assertEquals(4, failure.error());
        assertEquals(4, g.vcpu.vmcs().read(VmcsField.VM_INSTRUCTION_ERROR));
    }

    @Test
    void vmresumeOfAClearVmcsIsError5() {
        Guest g = guest();
        VmFailValid failure = assertThrows(VmFailValid.class, () -> g.vcpu.processor().vmresume());
        assertEquals(5, failure.error());
        assertEquals(5, g.vcpu.vmcs().read(VmcsField.VM_INSTRUCTION_ERROR));
    }

    @Test
    void vmptrldWithAWrongRevisionIsError11AndWithoutCurrentVmcsVmfailInvalid() {
        HostMemory memory = new HostMemory();
        VmxProcessor cpu = new VmxProcessor(memory, dev.hve.emulator.cpuid.CpuModels.intel(), new VmxCapabilities());
        Vmcs good = cpu.createVmcs();
        Vmcs bad = new Vmcs(memory, VmxCapabilities.VMCS_REVISION_ID + 1, false);
        assertThrows(VmFailInvalid.class, () -> cpu.vmptrld(bad));
        assertThrows(VmFailInvalid.class, cpu::vmlaunch);
        cpu.vmptrld(good);
        assertEquals(11, assertThrows(VmFailValid.class, () -> cpu.vmptrld(bad)).error());
        cpu.vmclear(good);
        assertThrows(VmFailInvalid.class, () -> cpu.vmread(VmcsField.GUEST_RIP.encoding()));
    }

    // ---- Control fields: VMfailValid(7) (§27.2.1)

    @Test
    void pinBasedDefault1BitClearIsError7() {
        assertEquals(7, vmfail(v -> clearBits(v, VmcsField.PIN_BASED_VM_EXEC_CONTROL, 1 << 1), "pin-based").error());
    }

    @Test
    void unsupportedPrimaryControlIsError7() {
        assertEquals(7, vmfail(v -> setBits(v, VmcsField.CPU_BASED_VM_EXEC_CONTROL, ProcessorControls.MONITOR_TRAP_FLAG), "primary processor-based").error());
    }

    @Test
    void unsupportedSecondaryControlIsError7() {
        assertEquals(7, vmfail(v -> setBits(v, VmcsField.SECONDARY_VM_EXEC_CONTROL, SecondaryControls.VMCS_SHADOWING), "secondary processor-based").error());
    }

    @Test
    void secondaryControlsAreIgnoredWhenNotActivated() {
        Guest g = guest();
        Vmcs v = g.vcpu.vmcs();
        setBits(v, VmcsField.SECONDARY_VM_EXEC_CONTROL, SecondaryControls.VMCS_SHADOWING);
        clearBits(v, VmcsField.CPU_BASED_VM_EXEC_CONTROL, ProcessorControls.ACTIVATE_SECONDARY_CONTROLS);
        // Without secondary controls there is no EPT and no unrestricted guest: CR0.PG is then required.
        int reason = g.vcpu.processor().vmlaunch();
        assertEquals(ENTRY_FAILURE_33, reason, "control checks passed, guest CR0 fails");
    }

    @Test
    void virtualNmisWithoutNmiExitingIsError7() {
        assertEquals(7, vmfail(v -> clearBits(v, VmcsField.PIN_BASED_VM_EXEC_CONTROL, PinBasedControls.NMI_EXITING), "virtual NMIs without NMI exiting").error());
    }

    @Test
    void cr3TargetCountAbove4IsError7() {
        assertEquals(7, vmfail(v -> v.write(VmcsField.CR3_TARGET_COUNT, 5), "CR3-target count").error());
    }

    @Test
    void misalignedIoBitmapIsError7() {
        assertEquals(7, vmfail(v -> v.write(VmcsField.IO_BITMAP_A, v.read(VmcsField.IO_BITMAP_A) + 8), "I/O-bitmap").error());
    }

    @Test
    void invalidEptPointerIsError7() {
        // Page-walk length 3 (bits 5:3 = 2) is not supported.
        assertEquals(7, vmfail(v -> v.write(VmcsField.EPT_POINTER, (v.read(VmcsField.EPT_POINTER) & ~0x38L) | (2 << 3)), "EPT pointer").error());
        // Memory type 2 is reserved.
        assertEquals(7, vmfail(v -> v.write(VmcsField.EPT_POINTER, (v.read(VmcsField.EPT_POINTER) & ~7L) | 2), "EPT pointer").error());
    }

    @Test
    void unrestrictedGuestWithoutEptIsError7() {
        assertEquals(7, vmfail(v -> clearBits(v, VmcsField.SECONDARY_VM_EXEC_CONTROL, SecondaryControls.ENABLE_EPT), "unrestricted guest without enable EPT").error());
    }

    @Test
    void vpidZeroIsError7() {
        assertEquals(7, vmfail(v -> v.write(VmcsField.VIRTUAL_PROCESSOR_ID, 0), "VPID 0000H").error());
    }

    @Test
    void savePreemptionTimerWithoutTheTimerIsError7() {
        assertEquals(7, vmfail(v -> clearBits(v, VmcsField.PIN_BASED_VM_EXEC_CONTROL,
            PinBasedControls.ACTIVATE_VMX_PREEMPTION_TIMER), "save VMX-preemption timer").error());
    }

    @Test
    void unsupportedExitAndEntryControlsAreError7() {
        assertEquals(7, vmfail(v -> setBits(v, VmcsField.VM_EXIT_CONTROLS, ExitControls.LOAD_IA32_PERF_GLOBAL_CTRL),
            "VM-exit controls").error());
        assertEquals(7, vmfail(v -> setBits(v, VmcsField.VM_ENTRY_CONTROLS, EntryControls.ENTRY_TO_SMM), "VM-entry controls").error());
    }

    @Test
    void injectionOfNmiWithWrongVectorIsError7() {
        assertEquals(7, vmfail(v -> v.write(VmcsField.VM_ENTRY_INTR_INFO_FIELD,
            InterruptionInfo.encode(3, InterruptionInfo.TYPE_NMI, false) & 0xFFFF_FFFFL), "NMI injection with vector").error());
    }

    @Test
    void injectionOfGpWithoutItsErrorCodeIsError7() {
        assertEquals(7, vmfail(v -> v.write(VmcsField.VM_ENTRY_INTR_INFO_FIELD,
            InterruptionInfo.encode(13, InterruptionInfo.TYPE_HARDWARE_EXCEPTION, false) & 0xFFFF_FFFFL), "deliver-error-code").error());
    }

    @Test
    void injectionOfUdWithAnErrorCodeIsError7() {
        assertEquals(7, vmfail(v -> v.write(VmcsField.VM_ENTRY_INTR_INFO_FIELD,
            InterruptionInfo.encode(6, InterruptionInfo.TYPE_HARDWARE_EXCEPTION, true) & 0xFFFF_FFFFL), "deliver-error-code").error());
    }

    @Test
    void injectionOfSoftwareInterruptWithLengthZeroIsError7() {
        assertEquals(7, vmfail(v -> {
            v.write(VmcsField.VM_ENTRY_INTR_INFO_FIELD,
                InterruptionInfo.encode(0x80, InterruptionInfo.TYPE_SOFTWARE_INTERRUPT, false) & 0xFFFF_FFFFL);
            v.write(VmcsField.VM_ENTRY_INSTRUCTION_LEN, 0);
        }, "instruction length").error());
    }

    @Test
    void injectionWithReservedTypeIsError7() {
        assertEquals(7, vmfail(v -> v.write(VmcsField.VM_ENTRY_INTR_INFO_FIELD, 0x8000_0100L | 32), "type reserved").error());
    }

    // ---- Host state: VMfailValid(8) (§27.2.2-27.2.4)

    @Test
    void hostCr4WithoutVmxeIsError8() {
        assertEquals(8, vmfail(v -> clearBits(v, VmcsField.HOST_CR4, 1 << 13), "host CR4").error());
    }

    @Test
    void hostCr0WithoutPagingIsError8() {
        assertEquals(8, vmfail(v -> clearBits(v, VmcsField.HOST_CR0, 1L << 31), "host CR0").error());
    }

    @Test
    void nullHostCsIsError8() {
        assertEquals(8, vmfail(v -> v.write(VmcsField.HOST_CS_SELECTOR, 0), "host CS selector is null").error());
    }

    @Test
    void hostSelectorWithRplIsError8() {
        assertEquals(8, vmfail(v -> v.write(VmcsField.HOST_TR_SELECTOR, 0x43), "Host TR selector has RPL").error());
    }

    @Test
    void hostAddressSpaceSizeZeroOnA64BitHostIsError8() {
        assertEquals(8, vmfail(v -> {
            clearBits(v, VmcsField.VM_EXIT_CONTROLS, ExitControls.HOST_ADDRESS_SPACE_SIZE | ExitControls.LOAD_IA32_EFER);
        }, "host address-space size is 0").error());
    }

    @Test
    void nonCanonicalHostRipIsError8() {
        assertEquals(8, vmfail(v -> v.write(VmcsField.HOST_RIP, 0x0000_8000_0000_0000L), "host RIP not canonical").error());
    }

    @Test
    void hostEferDisagreeingWithAddressSpaceSizeIsError8() {
        assertEquals(8, vmfail(v -> v.write(VmcsField.HOST_IA32_EFER, 0x1), "host IA32_EFER.LMA/LME").error());
    }

    // ---- Guest state: exit reason 33 with bit 31 (§27.3.1)

    @Test
    void guestCr0WithoutNeIsAnEntryFailure() {
        guestFailure(v -> clearBits(v, VmcsField.GUEST_CR0, 1 << 5), 0, "guest CR0 violates");
    }

    @Test
    void guestCr4WithoutVmxeIsAnEntryFailure() {
        guestFailure(v -> clearBits(v, VmcsField.GUEST_CR4, 1 << 13), 0, "guest CR4 violates");
    }

    @Test
    void ia32eModeGuestWithoutPagingIsAnEntryFailure() {
        guestFailure(v -> setBits(v, VmcsField.VM_ENTRY_CONTROLS, EntryControls.IA32E_MODE_GUEST), 0, "IA-32e mode guest without CR0.PG");
    }

    @Test
    void guestEferLmaDisagreeingWithIa32eModeIsAnEntryFailure() {
        guestFailure(v -> v.write(VmcsField.GUEST_IA32_EFER, 0x500), 0, "EFER.LMA differs");
    }

    @Test
    void unaccessedCodeSegmentIsAnEntryFailure() {
        guestFailure(v -> v.write(VmcsField.GUEST_CS_AR_BYTES, 0xC09A), 0, "guest CS type");
    }

    @Test
    void codeSegmentNotPresentIsAnEntryFailure() {
        guestFailure(v -> clearBits(v, VmcsField.GUEST_CS_AR_BYTES, 0x80), 0, "guest CS not present");
    }

    @Test
    void segmentGranularityInconsistentWithLimitIsAnEntryFailure() {
        guestFailure(v -> clearBits(v, VmcsField.GUEST_DS_AR_BYTES, 1 << 15), 0, "limit above 1 MByte with G = 0");
    }

    @Test
    void stackSegmentOfCodeTypeIsAnEntryFailure() {
        guestFailure(v -> v.write(VmcsField.GUEST_SS_AR_BYTES, 0xC09B), 0, "guest SS type");
    }

    @Test
    void trOfAvailableTssTypeIsAnEntryFailure() {
        guestFailure(v -> v.write(VmcsField.GUEST_TR_AR_BYTES, 0x89), 0, "guest TR type");
    }

    @Test
    void unusableTrIsAnEntryFailure() {
        guestFailure(v -> setBits(v, VmcsField.GUEST_TR_AR_BYTES, 1 << 16), 0, "guest TR unusable");
    }

    @Test
    void ldtrOfWrongTypeIsAnEntryFailure() {
        guestFailure(v -> v.write(VmcsField.GUEST_LDTR_AR_BYTES, 0x83), 0, "guest LDTR type");
    }

    @Test
    void virtual8086SegmentsMustBeRealModeShapedIsAnEntryFailure() {
        guestFailure(v -> setBits(v, VmcsField.GUEST_RFLAGS, 1 << 17), 0, "virtual-8086");
    }

    @Test
    void gdtrLimitAbove16BitsIsAnEntryFailure() {
        guestFailure(v -> v.write(VmcsField.GUEST_GDTR_LIMIT, 0x1_0000), 0, "limit bits 31:16");
    }

    @Test
    void nonCanonicalIdtrBaseIsAnEntryFailure() {
        guestFailure(v -> v.write(VmcsField.GUEST_IDTR_BASE, 0x0000_8000_0000_0000L), 0, "IDTR base not canonical");
    }

    @Test
    void ripAbove4GiBOutside64BitModeIsAnEntryFailure() {
        guestFailure(v -> v.write(VmcsField.GUEST_RIP, 0x1_0000_1000L), 0, "guest RIP bits 63:32");
    }

    @Test
    void rflagsBit1ClearIsAnEntryFailure() {
        guestFailure(v -> v.write(VmcsField.GUEST_RFLAGS, 0), 0, "RFLAGS reserved");
    }

    @Test
    void hltActivityWithSsDpl3IsAnEntryFailure() {
        guestFailure(v -> {
            v.write(VmcsField.GUEST_ACTIVITY_STATE, 1);
            setBits(v, VmcsField.GUEST_SS_AR_BYTES, 3 << 5);
            setBits(v, VmcsField.GUEST_CS_AR_BYTES, 3 << 5); // keep CS.DPL = SS.DPL: CPL 3
        }, 0, "HLT activity state with SS.DPL");
    }

    @Test
    void unsupportedActivityStateIsAnEntryFailure() {
        guestFailure(v -> v.write(VmcsField.GUEST_ACTIVITY_STATE, 3), 0, "activity state unsupported");
    }

    @Test
    void stiBlockingWithIfClearIsAnEntryFailure() {
        guestFailure(v -> v.write(VmcsField.GUEST_INTERRUPTIBILITY_INFO, 1), 0, "blocking by STI with RFLAGS.IF = 0");
    }

    @Test
    void enclaveInterruptionWithoutSgxIsAnEntryFailure() {
        guestFailure(v -> v.write(VmcsField.GUEST_INTERRUPTIBILITY_INFO, 1 << 4), 0, "enclave interruption");
    }

    @Test
    void stiAndMovSsBlockingTogetherIsAnEntryFailure() {
        guestFailure(v -> {
            setBits(v, VmcsField.GUEST_RFLAGS, 1 << 9);
            v.write(VmcsField.GUEST_INTERRUPTIBILITY_INFO, 3);
        }, 0, "STI and by MOV SS both");
    }

    @Test
    void externalInterruptInjectionWithIfClearIsAnEntryFailure() {
        guestFailure(v -> v.write(VmcsField.VM_ENTRY_INTR_INFO_FIELD,
            InterruptionInfo.encode(0x20, InterruptionInfo.TYPE_EXTERNAL_INTERRUPT, false) & 0xFFFF_FFFFL), 0,
            "external-interrupt injection with RFLAGS.IF = 0");
    }

    @Test
    void externalInterruptInjectionInMovSsShadowIsAnEntryFailure() {
        guestFailure(v -> {
            setBits(v, VmcsField.GUEST_RFLAGS, 1 << 9);
            v.write(VmcsField.GUEST_INTERRUPTIBILITY_INFO, 2);
            v.write(VmcsField.VM_ENTRY_INTR_INFO_FIELD,
                InterruptionInfo.encode(0x20, InterruptionInfo.TYPE_EXTERNAL_INTERRUPT, false) & 0xFFFF_FFFFL);
        }, 0, "external-interrupt injection with blocking");
    }

    @Test
    void nmiInjectionInStiShadowIsAnEntryFailureWithQualification3() {
        guestFailure(v -> {
            setBits(v, VmcsField.GUEST_RFLAGS, 1 << 9);
            v.write(VmcsField.GUEST_INTERRUPTIBILITY_INFO, 1);
            v.write(VmcsField.VM_ENTRY_INTR_INFO_FIELD, InterruptionInfo.encode(2, InterruptionInfo.TYPE_NMI, false) & 0xFFFF_FFFFL);
        }, 3, "NMI injection with blocking by STI");
    }

    @Test
    void exceptionInjectionIntoHltStateIsAnEntryFailure() {
        guestFailure(v -> {
            v.write(VmcsField.GUEST_ACTIVITY_STATE, 1);
            v.write(VmcsField.VM_ENTRY_INTR_INFO_FIELD,
                InterruptionInfo.encode(6, InterruptionInfo.TYPE_HARDWARE_EXCEPTION, false) & 0xFFFF_FFFFL);
        }, 0, "HLT activity state is not");
    }

    @Test
    void invalidVmcsLinkPointerIsAnEntryFailureWithQualification4() {
        guestFailure(v -> v.write(VmcsField.VMCS_LINK_POINTER, 0x1000), 4, "VMCS link pointer");
    }

    @Test
    void pendingDebugExceptionReservedBitsAreAnEntryFailure() {
        guestFailure(v -> v.write(VmcsField.GUEST_PENDING_DBG_EXCEPTIONS, 1 << 4), 0, "pending debug exceptions reserved");
    }

    @Test
    void entryMsrLoadListLoadsAndAForbiddenEntryIsAnMsrLoadingFailure() {
        Guest g = guest();
        HostMemory memory = g.vm.hostMemory();
        long area = memory.allocate(64, 16);
        memory.write64(area, 0x174);          // IA32_SYSENTER_CS
        memory.write64(area + 8, 0x10);
        memory.write64(area + 16, 0xC000_0100L); // IA32_FS_BASE may not be loaded from the list
        memory.write64(area + 24, 0x1234);
        g.set(VmcsField.VM_ENTRY_MSR_LOAD_ADDR, area);
        g.set(VmcsField.VM_ENTRY_MSR_LOAD_COUNT, 2);
        assertEquals(ExitReason.VM_ENTRY_FAILURE | ExitReason.MSR_LOAD_FAIL, g.enter(100));
        assertEquals(2, g.field(VmcsField.EXIT_QUALIFICATION), "the second entry failed");

        g.set(VmcsField.VM_ENTRY_MSR_LOAD_COUNT, 1);
        assertEquals(ExitReason.HLT, g.enter(100));
        assertEquals(0x10, g.field(VmcsField.GUEST_SYSENTER_CS), "loaded on entry, saved on exit");
    }

    @Test
    void exitMsrStoreListStoresGuestMsrs() {
        Guest g = guest();
        HostMemory memory = g.vm.hostMemory();
        long area = memory.allocate(16, 16);
        memory.write64(area, 0x175); // IA32_SYSENTER_ESP
        g.set(VmcsField.GUEST_SYSENTER_ESP, 0xABCD);
        g.set(VmcsField.VM_EXIT_MSR_STORE_ADDR, area);
        g.set(VmcsField.VM_EXIT_MSR_STORE_COUNT, 1);
        assertEquals(ExitReason.HLT, g.enter(100));
        assertEquals(0xABCD, memory.read64(area + 8));
    }

    @Test
    void misalignedMsrAreaIsError7() {
        assertEquals(7, vmfail(v -> {
            v.write(VmcsField.VM_ENTRY_MSR_LOAD_ADDR, 0x1008);
            v.write(VmcsField.VM_ENTRY_MSR_LOAD_COUNT, 1);
        }, "MSR-load address").error());
    }

    // ---- What the monitor sees

    @Test
    void theMonitorSeesEntryFailuresWithTheVendorDetail() {
        Guest g = guest();
        g.vcpu.vmcs().write(VmcsField.GUEST_CS_AR_BYTES, 0xC09A);
        VmExit.EntryFailure failure = assertInstanceOf(VmExit.EntryFailure.class, g.vcpu.run(100));
        assertEquals(0, failure.vendorError());
        assertTrue(failure.reason().contains("33"), failure.reason());
        assertEquals(ExitReason.INVALID_GUEST_STATE, g.vcpu.lastExitRecord().reason());
        assertEquals(ExitReason.INVALID_GUEST_STATE, g.vcpu.lastExitReason(), "the cheap accessor agrees");
        assertEquals(ENTRY_FAILURE_33 & 0xFFFF_FFFFL, g.vcpu.lastExitRecord().fields().get("exit_reason"));

        Guest h = guest();
        h.vcpu.vmcs().write(VmcsField.HOST_CS_SELECTOR, 0);
        VmExit.EntryFailure host = assertInstanceOf(VmExit.EntryFailure.class, h.vcpu.run(100));
        assertEquals(8, host.vendorError());
        assertEquals(8L, h.vcpu.lastExitRecord().fields().get("vm_instruction_error"));
        assertEquals(-1, h.vcpu.lastExitRecord().reason(), "a VMfailValid is no VM exit");
        assertEquals(-1, h.vcpu.lastExitReason());
    }

    @Test
    void checksSkippedForUnchangedStateRunAgainAfterAChange() {
        // Entries skip re-verifying settled state that passed and has not changed since; any
        // change to it, even after successful entries, must be checked again.
        Guest g = guest();
        assertInstanceOf(VmExit.Hlt.class, g.vcpu.run(100));
        g.vcpu.completeInstruction();
        g.vcpu.vmcs().write(VmcsField.GUEST_CS_AR_BYTES, 0xC09A);
        VmExit.EntryFailure guestState = assertInstanceOf(VmExit.EntryFailure.class, g.vcpu.run(100));
        assertEquals(ExitReason.INVALID_GUEST_STATE, g.vcpu.lastExitReason(), guestState.reason());

        Guest h = guest();
        assertInstanceOf(VmExit.Hlt.class, h.vcpu.run(100));
        h.vcpu.completeInstruction();
        h.vcpu.vmcs().write(VmcsField.HOST_CS_SELECTOR, 0);
        VmExit.EntryFailure hostState = assertInstanceOf(VmExit.EntryFailure.class, h.vcpu.run(100));
        assertEquals(8, hostState.vendorError(), "VMfailValid: invalid host-state field");
    }
}
