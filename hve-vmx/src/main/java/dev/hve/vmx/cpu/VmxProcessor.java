package dev.hve.vmx.cpu;

import dev.hve.emulator.cpu.EventType;
import dev.hve.emulator.StopReason;
import dev.hve.emulator.X86Core;
import dev.hve.emulator.cpu.CpuState;
import dev.hve.emulator.cpuid.CpuModel;
import dev.hve.emulator.memory.HostMemory;
import dev.hve.vmx.capability.VmxCapabilities;
import dev.hve.vmx.controls.ExitControls;
import dev.hve.vmx.controls.PinBasedControls;
import dev.hve.vmx.controls.SecondaryControls;
import dev.hve.vmx.entry.ControlChecks;
import dev.hve.vmx.entry.GuestStateChecks;
import dev.hve.vmx.entry.HostStateChecks;
import dev.hve.vmx.ept.EptWalker;
import dev.hve.vmx.exit.ExitReason;
import dev.hve.vmx.exit.InterruptionInfo;
import dev.hve.vmx.vmcs.LaunchState;
import dev.hve.vmx.vmcs.Vmcs;
import dev.hve.vmx.vmcs.VmcsField;
import dev.hve.vmx.vmcs.VmInstructionError;

/**
 * One logical processor with VMX, in VMX root operation: the silicon the backend's hypervisor
 * code drives. It executes VMPTRLD, VMCLEAR, VMREAD, VMWRITE, VMLAUNCH and VMRESUME with their
 * architectural outcomes, runs the guest on the emulated core in VMX non-root operation, and
 * performs VM exits (Intel SDM Vol. 3C chapters 27 and 28).
 */
public final class VmxProcessor {

    /** Slice of guest execution when the VMX-preemption timer is off; the guest then runs until it exits. */
    private static final long UNTIMED_SLICE = 1L << 30;

    private final HostMemory memory;
    private final VmxCapabilities caps;
    private final X86Core core;
    private final VmxGuestControls controls;
    private final GuestStateChecks guestChecks;
    /** The VMCS whose settled control fields last passed the control checks, and when (settled changes). */
    private Vmcs controlsVerifiedVmcs;
    private long controlsVerifiedChanges;
    /** The VMCS whose host state last passed the host-state checks, and when (settled changes). */
    private Vmcs hostVerifiedVmcs;
    private long hostVerifiedChanges;
    /** The PDPTE registers on their way between the VMCS and the core. */
    private final long[] pdptes = new long[4];
    /** The segment state last saved to a VMCS, so unchanged segments are not saved and loaded field by field. */
    private final SegmentStateMirror segmentMirror = new SegmentStateMirror();
    private Vmcs current;
    private String lastEntryFailure;
    private boolean hostNmiPending;
    private boolean hostInterruptPending;
    private int hostInterruptVector;
    private long loadedEptp = -1;
    private boolean exitDuringInjection;
    private int injectionLength;

    public VmxProcessor(HostMemory memory, CpuModel cpuModel, VmxCapabilities caps) {
        this.memory = memory;
        this.caps = caps;
        this.controls = new VmxGuestControls(memory, new EptWalker(memory, caps.eptVpidCap(), VmxCapabilities.MAXPHYADDR));
        this.core = new X86Core(memory, cpuModel, controls);
        this.controls.bind(core);
        this.guestChecks = new GuestStateChecks(caps, memory);
    }

    public X86Core core() {
        return core;
    }

    public HostMemory memory() {
        return memory;
    }

    public VmxCapabilities capabilities() {
        return caps;
    }

    /** A new VMCS region carrying this processor's revision identifier, in the clear state. */
    public Vmcs createVmcs() {
        return new Vmcs(memory, VmxCapabilities.VMCS_REVISION_ID, caps.vmwriteAnyField());
    }

    public Vmcs current() {
        return current;
    }

    /** VMPTRLD (§31.3): the revision identifier in the region must match IA32_VMX_BASIC[30:0]. */
    public void vmptrld(Vmcs vmcs) {
        if (vmcs.revisionId() != VmxCapabilities.VMCS_REVISION_ID) {
            if (current == null) {
                throw new VmFailInvalid("VMPTRLD");
            }
            throw current.fail(VmInstructionError.VMPTRLD_INCORRECT_REVISION_ID);
        }
        current = vmcs;
    }

    /** VMCLEAR (§31.3): the launch state becomes clear; a current VMCS stops being current. */
    public void vmclear(Vmcs vmcs) {
        vmcs.clear();
        if (current == vmcs) {
            current = null;
        }
    }

    public long vmread(long encoding) {
        return requireCurrent("VMREAD").vmread(encoding);
    }

    public void vmwrite(long encoding, long value) {
        requireCurrent("VMWRITE").vmwrite(encoding, value);
    }

    /** VMLAUNCH: enters the guest and returns the exit-reason field of the VM exit that ends the run. */
    public int vmlaunch() {
        return enter(true);
    }

    /** VMRESUME: like {@link #vmlaunch()} for a launched VMCS. */
    public int vmresume() {
        return enter(false);
    }

    /** The VM-entry check that failed last, for diagnostics. */
    /**
     * INVEPT, all-context type (SDM Vol. 3C §29.4.3.2, Vol. 2B INVEPT): drops the guest-physical
     * mappings cached for every EPTP, and the combined mappings derived from them. A hypervisor
     * executes it after it changed EPT paging structures.
     */
    public void inveptAllContexts() {
        controls.invalidateGuestPhysicalMappings();
        core.flushTlb();
    }

    public String lastEntryFailure() {
        return lastEntryFailure;
    }

    /** An interrupt for the host arrives; with external-interrupt exiting it ends the next guest run (exit 1). */
    public void raiseHostInterrupt(int vector) {
        hostInterruptPending = true;
        hostInterruptVector = vector & 0xFF;
    }

    /** An NMI arrives; with NMI exiting it ends the next guest run (exit 0 with an NMI interruption type). */
    public void raiseHostNmi() {
        hostNmiPending = true;
    }

    private Vmcs requireCurrent(String instruction) {
        if (current == null) {
            throw new VmFailInvalid(instruction);
        }
        return current;
    }

    private int enter(boolean launch) {
        Vmcs vmcs = requireCurrent(launch ? "VMLAUNCH" : "VMRESUME");
        // §31.3 VMLAUNCH/VMRESUME: launch-state checks precede the checks of chapter 27.
        if (launch && vmcs.launchState() != LaunchState.CLEAR) {
            lastEntryFailure = "VMLAUNCH with a VMCS that is not clear";
            throw vmcs.fail(VmInstructionError.VMLAUNCH_NONCLEAR_VMCS);
        }
        if (!launch && vmcs.launchState() != LaunchState.LAUNCHED) {
            lastEntryFailure = "VMRESUME with a VMCS that is not launched";
            throw vmcs.fail(VmInstructionError.VMRESUME_NONLAUNCHED_VMCS);
        }
        // The control checks (§27.2.1) on settled fields, like the host-state checks below, need
        // not run again while those fields are unchanged since they passed; the event-injection
        // fields change with nearly every entry and are always checked.
        String failure = null;
        if (vmcs != controlsVerifiedVmcs || vmcs.settledChanges() != controlsVerifiedChanges) {
            controlsVerifiedVmcs = null;
            failure = ControlChecks.settledFields(vmcs, caps);
        }
        if (failure == null) {
            controlsVerifiedVmcs = vmcs;
            controlsVerifiedChanges = vmcs.settledChanges();
            failure = ControlChecks.eventInjection(vmcs);
        }
        if (failure != null) {
            lastEntryFailure = failure;
            throw vmcs.fail(VmInstructionError.ENTRY_INVALID_CONTROL_FIELD);
        }
        // The host-state checks (SDM Vol. 3C §27.2.2-27.2.4) read settled fields only: unchanged
        // since they passed, they pass.
        if (vmcs != hostVerifiedVmcs || vmcs.settledChanges() != hostVerifiedChanges) {
            failure = HostStateChecks.check(vmcs);
            if (failure != null) {
                hostVerifiedVmcs = null;
                lastEntryFailure = failure;
                throw vmcs.fail(VmInstructionError.ENTRY_INVALID_HOST_STATE_FIELD);
            }
            hostVerifiedVmcs = vmcs;
            hostVerifiedChanges = vmcs.settledChanges();
        }
        controls.enter(vmcs);
        failure = guestChecks.check(vmcs);
        if (failure != null) {
            return entryFailure(vmcs, ExitReason.INVALID_GUEST_STATE, guestChecks.qualification(), failure);
        }
        lastEntryFailure = null;
        CpuState state = core.state();
        long cr0 = state.cr0;
        long cr3 = state.cr3;
        long cr4 = state.cr4;
        long efer = state.efer;
        loadGuestState(vmcs, state);
        int failedMsr = MsrAreas.loadOnEntry(vmcs, core, memory, tsc());
        if (failedMsr != 0) {
            // §27.8: the guest state was loaded, but the entry fails: exit reason 34, the entry number as qualification.
            return entryFailure(vmcs, ExitReason.MSR_LOAD_FAIL, failedMsr, "VM-entry MSR-load entry " + failedMsr);
        }
        long eptp = vmcs.read(VmcsField.EPT_POINTER);
        boolean vpid = (ControlChecks.secondaryControls(vmcs) & SecondaryControls.ENABLE_VPID) != 0;
        // §29.4.3.1: without VPIDs every VM entry invalidates linear and combined mappings; with
        // them, the cached translations of the guest's own address space may survive.
        if (!vpid || eptp != loadedEptp || cr0 != state.cr0 || cr3 != state.cr3 || cr4 != state.cr4
            || efer != state.efer) {
            core.flushTlb();
            loadedEptp = eptp;
        }
        if (launch) {
            vmcs.markLaunched();
        }
        return runGuest(vmcs);
    }

    /** §27.8: a VM-entry failure looks like a VM exit with bit 31 of the exit reason set; guest state is not saved. */
    private int entryFailure(Vmcs vmcs, int reason, long qualification, String failure) {
        lastEntryFailure = failure;
        controls.recorder().begin(ExitReason.VM_ENTRY_FAILURE | reason);
        vmcs.write(VmcsField.EXIT_QUALIFICATION, qualification);
        return vmcs.read32(VmcsField.VM_EXIT_REASON);
    }

    private int runGuest(Vmcs vmcs) {
        CpuState state = core.state();
        ExitRecorder recorder = controls.recorder();
        long retiredAtEntry = core.retiredInstructions();
        exitDuringInjection = false;
        int pin = vmcs.read32(VmcsField.PIN_BASED_VM_EXEC_CONTROL);
        boolean timed = (pin & PinBasedControls.ACTIVATE_VMX_PREEMPTION_TIMER) != 0;
        long timer = vmcs.read(VmcsField.VMX_PREEMPTION_TIMER_VALUE);

        boolean exited = injectEvent(vmcs, state);
        if (!exited) {
            exited = exitBeforeFirstInstruction(vmcs, timed, timer);
        }
        while (!exited) {
            long elapsed = core.retiredInstructions() - retiredAtEntry;
            long budget = timed ? Math.max(0, timer - elapsed) : UNTIMED_SLICE;
            if (timed && budget == 0) {
                recorder.begin(ExitReason.PREEMPTION_TIMER);
                break;
            }
            core.watchBoundaries(controls.watchesWindows());
            StopReason stop = core.run(budget);
            if (stop == StopReason.BUDGET_EXHAUSTED) {
                if (timed) {
                    recorder.begin(ExitReason.PREEMPTION_TIMER);
                    exited = true;
                } else if (state.halted) {
                    // Silicon would wait in HLT for an event no one will send: refuse to hang.
                    throw new IllegalStateException("guest halted with the VMX-preemption timer off and HLT not exiting");
                }
            } else if (controls.undefinedOpcodePending()) {
                // The processor's own #UD meets the exception bitmap like any other exception (§26.2).
                controls.clearUndefinedOpcode();
                exited = controls.exception(6, false, 0, 0)
                    || !core.deliverEvent(EventType.HARDWARE_EXCEPTION, 6, false, 0, 0) || recorder.recorded();
            } else if (recorder.recorded()) {
                exited = true;
            } else {
                throw new IllegalStateException("the core left guest mode without a VM exit being recorded");
            }
        }
        long remaining = Math.max(0, timer - (core.retiredInstructions() - retiredAtEntry));
        if (ExitReason.basic(vmcs.read32(VmcsField.VM_EXIT_REASON)) == ExitReason.PREEMPTION_TIMER) {
            remaining = 0;
        }
        recordVectoring(vmcs);
        exitToHost(vmcs, state, remaining);
        return vmcs.read32(VmcsField.VM_EXIT_REASON);
    }

    /**
     * §28.2.4, "Information for VM Exits During Event Delivery": the IDT-vectoring information
     * names the event whose delivery the exit interrupted, whether VM entry injected it or the
     * guest raised it; for a software event the instruction-length field gives its INT length.
     */
    private void recordVectoring(Vmcs vmcs) {
        if (!core.exitDuringEventDelivery()
            || ExitReason.basic(vmcs.read32(VmcsField.VM_EXIT_REASON)) == ExitReason.TRIPLE_FAULT) {
            return;
        }
        int type = switch (core.interruptedEventType()) {
            case EXTERNAL_INTERRUPT -> InterruptionInfo.TYPE_EXTERNAL_INTERRUPT;
            case NMI -> InterruptionInfo.TYPE_NMI;
            case HARDWARE_EXCEPTION -> InterruptionInfo.TYPE_HARDWARE_EXCEPTION;
            case SOFTWARE_INTERRUPT -> InterruptionInfo.TYPE_SOFTWARE_INTERRUPT;
            case PRIVILEGED_SOFTWARE_EXCEPTION -> InterruptionInfo.TYPE_PRIVILEGED_SOFTWARE_EXCEPTION;
            case SOFTWARE_EXCEPTION -> InterruptionInfo.TYPE_SOFTWARE_EXCEPTION;
        };
        boolean hasError = core.interruptedEventHasErrorCode();
        vmcs.write(VmcsField.IDT_VECTORING_INFO_FIELD,
            InterruptionInfo.encode(core.interruptedEventVector(), type, hasError) & 0xFFFF_FFFFL);
        vmcs.write(VmcsField.IDT_VECTORING_ERROR_CODE, hasError ? core.interruptedEventErrorCode() & 0xFFFF_FFFFL : 0);
        if (type == InterruptionInfo.TYPE_SOFTWARE_INTERRUPT || type == InterruptionInfo.TYPE_SOFTWARE_EXCEPTION
            || type == InterruptionInfo.TYPE_PRIVILEGED_SOFTWARE_EXCEPTION) {
            vmcs.write(VmcsField.VM_EXIT_INSTRUCTION_LEN, exitDuringInjection ? injectionLength : core.instructionLength());
        }
    }

    /** §27.6: delivery of the event in the VM-entry interruption-information field, as if by the IDT. */
    private boolean injectEvent(Vmcs vmcs, CpuState state) {
        int info = vmcs.read32(VmcsField.VM_ENTRY_INTR_INFO_FIELD);
        if (!InterruptionInfo.valid(info)) {
            return false;
        }
        int errorCode = vmcs.read32(VmcsField.VM_ENTRY_EXCEPTION_ERROR_CODE);
        EventType type = switch (InterruptionInfo.type(info)) {
            case InterruptionInfo.TYPE_EXTERNAL_INTERRUPT -> EventType.EXTERNAL_INTERRUPT;
            case InterruptionInfo.TYPE_NMI -> EventType.NMI;
            case InterruptionInfo.TYPE_HARDWARE_EXCEPTION -> EventType.HARDWARE_EXCEPTION;
            case InterruptionInfo.TYPE_SOFTWARE_INTERRUPT -> EventType.SOFTWARE_INTERRUPT;
            case InterruptionInfo.TYPE_PRIVILEGED_SOFTWARE_EXCEPTION -> EventType.PRIVILEGED_SOFTWARE_EXCEPTION;
            default -> EventType.SOFTWARE_EXCEPTION;
        };
        // §27.6.1: an injected event takes the processor out of the HLT activity state.
        state.halted = false;
        int length = vmcs.read32(VmcsField.VM_ENTRY_INSTRUCTION_LEN);
        injectionLength = length;
        boolean delivered = core.deliverEvent(type, InterruptionInfo.vector(info), InterruptionInfo.hasErrorCode(info),
            errorCode, length);
        exitDuringInjection = !delivered;
        return !delivered || controls.recorder().recorded();
    }

    /**
     * Exits recognized after VM entry and before the first guest instruction, in the priority of
     * §26.2 and §26.7: a zero preemption timer, then an NMI with NMI exiting, then a host
     * interrupt with external-interrupt exiting, then the NMI and interrupt windows.
     */
    private boolean exitBeforeFirstInstruction(Vmcs vmcs, boolean timed, long timer) {
        ExitRecorder recorder = controls.recorder();
        if (timed && timer == 0) {
            recorder.begin(ExitReason.PREEMPTION_TIMER);
            return true;
        }
        if (hostNmiPending && (vmcs.read32(VmcsField.PIN_BASED_VM_EXEC_CONTROL) & PinBasedControls.NMI_EXITING) != 0) {
            // §26.2: with NMI exiting, an NMI causes a VM exit (reason 0) instead of being delivered.
            hostNmiPending = false;
            recorder.begin(ExitReason.EXCEPTION_NMI);
            vmcs.write(VmcsField.VM_EXIT_INTR_INFO,
                InterruptionInfo.encode(2, InterruptionInfo.TYPE_NMI, false) & 0xFFFF_FFFFL);
            return true;
        }
        if (hostInterruptPending && controls.externalInterruptExiting()) {
            hostInterruptPending = false;
            recorder.begin(ExitReason.EXTERNAL_INTERRUPT);
            if ((vmcs.read32(VmcsField.VM_EXIT_CONTROLS) & ExitControls.ACKNOWLEDGE_INTERRUPT_ON_EXIT) != 0) {
                // §28.2.2: acknowledging the interrupt on exit stores its vector.
                vmcs.write(VmcsField.VM_EXIT_INTR_INFO, InterruptionInfo.encode(hostInterruptVector,
                    InterruptionInfo.TYPE_EXTERNAL_INTERRUPT, false) & 0xFFFF_FFFFL);
            }
            return true;
        }
        return controls.windowExit(core.interruptible());
    }

    /** §28.3-28.5: save guest state, update entry controls, and return to the host. */
    private void exitToHost(Vmcs vmcs, CpuState state, long remainingTimer) {
        controls.disarm();
        GuestStateTransfer.save(state, vmcs, segmentMirror);
        savePdptes(vmcs);
        int failedMsr = MsrAreas.storeOnExit(vmcs, core, memory, tsc());
        if (failedMsr != 0) {
            // §28.7: failing to save guest MSRs is a VMX abort: indicator 1 in the VMCS region, then shutdown.
            memory.write32(vmcs.region() + 4, 1);
            throw new IllegalStateException("VMX abort 1: VM-exit MSR-store entry " + failedMsr + " failed");
        }
        if ((vmcs.read32(VmcsField.VM_EXIT_CONTROLS) & ExitControls.SAVE_VMX_PREEMPTION_TIMER) != 0) {
            vmcs.write(VmcsField.VMX_PREEMPTION_TIMER_VALUE, remainingTimer);
        }
        // §28.2: every VM exit clears the valid bit of the VM-entry interruption-information field.
        vmcs.write(VmcsField.VM_ENTRY_INTR_INFO_FIELD,
            vmcs.read(VmcsField.VM_ENTRY_INTR_INFO_FIELD) & ~(long) InterruptionInfo.VALID & 0xFFFF_FFFFL);
        segmentMirror.saved(vmcs);
    }

    /**
     * Reads guest memory by linear address through the guest's paging as the current VMCS
     * describes it (the monitor fetching an instruction to emulate); no VM exit results.
     */
    public int readGuestLinear(long linearAddress, byte[] destination, int length) {
        viewGuest("readGuestLinear");
        controls.probing(true);
        try {
            return core.readLinear(linearAddress, destination, length);
        } finally {
            controls.probing(false);
        }
    }

    /** Translates a guest-linear address through the guest's paging as the VMCS now describes it. */
    public long translateGuestLinear(long linearAddress, boolean write) {
        viewGuest("translateGuestLinear");
        controls.probing(true);
        try {
            return core.translateLinear(linearAddress, write);
        } finally {
            controls.probing(false);
        }
    }

    /**
     * Loads the current VMCS's paging state into the core so it can walk the guest's paging (only
     * that: the next VM entry loads the rest, and a monitor translating addresses needs no more).
     */
    private void viewGuest(String operation) {
        Vmcs vmcs = requireCurrent(operation);
        controls.enter(vmcs);
        CpuState state = core.state();
        long cr3 = state.cr3;
        long cr0 = state.cr0;
        long cr4 = state.cr4;
        long efer = state.efer;
        GuestStateTransfer.loadPaging(vmcs, state);
        loadPdpteRegisters(vmcs);
        long eptp = vmcs.read(VmcsField.EPT_POINTER);
        if (eptp != loadedEptp || cr0 != state.cr0 || cr3 != state.cr3 || cr4 != state.cr4 || efer != state.efer) {
            core.flushTlb();
            loadedEptp = eptp;
        }
    }

    /**
     * §27.3.2: the guest-state area into the core. With EPT and PAE paging the PDPTE registers
     * come from the GUEST_PDPTE0-3 fields (§27.3.2.4, "Loading Page-Directory-Pointer-Table
     * Pointers"), whose reserved bits the entry checks have vetted (§27.3.1.6); without EPT the
     * core loads them from the table CR3 names, as the SDM says for that case.
     */
    private void loadGuestState(Vmcs vmcs, CpuState state) {
        GuestStateTransfer.load(vmcs, state, segmentMirror);
        loadPdpteRegisters(vmcs);
    }

    /** §27.3.2.4: with EPT and PAE paging, the PDPTE registers from GUEST_PDPTE0-3. */
    private void loadPdpteRegisters(Vmcs vmcs) {
        if (usesEptPdptes(vmcs)) {
            for (int i = 0; i < 4; i++) {
                pdptes[i] = vmcs.read(GuestStateChecks.pdpteField(i));
            }
            core.loadPdpteRegisters(pdptes);
        }
    }

    /**
     * §28.3.4, "Saving Non-Register State": with EPT and PAE paging the processor stores the four
     * PDPTEs it uses, its PDPTE registers, into the guest-state area. They were loaded at VM entry
     * or by the guest's last MOV to CR3 (or CR0/CR4 write that reloads them), not read again from
     * memory.
     */
    private void savePdptes(Vmcs vmcs) {
        if (usesEptPdptes(vmcs) && core.pdpteRegisters(pdptes)) {
            for (int i = 0; i < 4; i++) {
                vmcs.write(GuestStateChecks.pdpteField(i), pdptes[i]);
            }
        }
    }

    private static boolean usesEptPdptes(Vmcs vmcs) {
        return (ControlChecks.secondaryControls(vmcs) & SecondaryControls.ENABLE_EPT) != 0
            && GuestStateChecks.paePaging(vmcs);
    }

    /** The guest's TSC as RDTSC would read it: the core's count plus the TSC offset. */
    private long tsc() {
        return core.retiredInstructions() + controls.tscOffset();
    }

    /** Lets the instruction at {@code rip} execute once without its VM-exit check (see {@link VmxGuestControls#passOnce}). */
    public void passOnce(long rip) {
        controls.passOnce(rip);
    }
}
