package dev.hve.vmx;

import static dev.hve.vmx.vmcs.GuestSegmentFields.ACCESS_RIGHTS;
import static dev.hve.vmx.vmcs.GuestSegmentFields.AR_UNUSABLE;
import static dev.hve.vmx.vmcs.GuestSegmentFields.BASE;
import static dev.hve.vmx.vmcs.GuestSegmentFields.LIMIT;
import static dev.hve.vmx.vmcs.GuestSegmentFields.SELECTOR;

import dev.hve.api.DescriptorTable;
import dev.hve.api.Event;
import dev.hve.api.InterceptConfig;
import dev.hve.api.InternalExitListener;
import dev.hve.api.Register;
import dev.hve.api.Segment;
import dev.hve.api.SegmentRegister;
import dev.hve.api.Vcpu;
import dev.hve.api.VendorRecord;
import dev.hve.api.VmExit;
import dev.hve.emulator.cpu.CpuState;
import dev.hve.emulator.memory.HostMemory;
import dev.hve.vmx.capability.VmxCapabilities;
import dev.hve.vmx.controls.EntryControls;
import dev.hve.vmx.controls.ProcessorControls;
import dev.hve.vmx.controls.SecondaryControls;
import dev.hve.vmx.entry.GuestStateChecks;
import dev.hve.vmx.cpu.VmxProcessor;
import dev.hve.vmx.exit.ExitQualification;
import dev.hve.vmx.exit.ExitReason;
import dev.hve.vmx.exit.FirstLevelExitHandler;
import dev.hve.vmx.exit.InterruptionInfo;
import dev.hve.vmx.intercept.InterceptEncoder;
import dev.hve.vmx.vmcs.LaunchState;
import dev.hve.vmx.vmcs.Vmcs;
import dev.hve.vmx.vmcs.VmcsField;
import dev.hve.vmx.vmcs.VmFailValid;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongPredicate;

/**
 * A VT-x vCPU: the hypervisor side of one logical processor. It keeps guest state in its VMCS
 * (RSP, RIP, RFLAGS, control and segment registers) and the other general-purpose registers in a
 * software save area, the split a VMX hypervisor lives with; the register accessors hide it. Each
 * {@link #run} performs VMLAUNCH/VMRESUME, lets the first-level exit handler read the exit record,
 * and either disposes of the exit itself or returns the common exit.
 */
public final class VmxVcpu implements Vcpu {

    /** The VMX-preemption timer is a 32-bit field; longer budgets run as several slices. */
    private static final long MAX_TIMER = 0xFFFF_FFFFL;

    private final VmxVm vm;
    private final int index;
    private final VmxProcessor processor;
    private final Vmcs vmcs;
    /** RAX..R15 except RSP (index 4 is unused: RSP is GUEST_RSP). */
    private final long[] gpr = new long[16];
    private InterceptConfig config = InterceptConfig.monitorDefaults();
    private final LongPredicate isRam;
    private long pendingEvent;
    private int pendingErrorCode;
    private int pendingLength;
    private long completedByMonitor;
    private int lastVmInstructionError;
    /** An injected NMI waiting for the guest's NMI window. */
    private boolean deferredNmi;
    private static final int ACTIVITY_HLT = 1;
    /** Blocking by STI, by MOV SS and by NMI (interruptibility bits 0, 1, 3). */
    private static final int NMI_BLOCKERS = 0xB;
    private boolean lastWasVmFail;
    /** The monitor changed CR0, CR3, CR4 or EFER: the VMCS PDPTE fields must follow the new CR3. */
    private boolean pdptesStale;
    private InternalExitListener internalExitListener;

    VmxVcpu(VmxVm vm, int index) {
        this.vm = vm;
        this.index = index;
        this.isRam = gpa -> vm.ram().blocks().hostAddress(gpa) >= 0;
        HostMemory memory = vm.hostMemory();
        this.processor = new VmxProcessor(memory, vm.cpuModel(), new VmxCapabilities());
        this.vmcs = processor.createVmcs();
        processor.vmclear(vmcs);
        processor.vmptrld(vmcs);
        long ioA = memory.allocate(InterceptEncoder.BITMAP_PAGE, 4096);
        long ioB = memory.allocate(InterceptEncoder.BITMAP_PAGE, 4096);
        long msr = memory.allocate(InterceptEncoder.BITMAP_PAGE, 4096);
        VmcsSetup.controls(vmcs, index + 1, ioA, ioB, msr);
        VmcsSetup.hostState(vmcs, memory);
        VmcsSetup.guestInitState(vmcs);
        InterceptEncoder.encode(config, vmcs, memory, VmcsSetup.CR0_HOST_OWNED, VmcsSetup.CR4_HOST_OWNED);
    }

    /** The VMCS, for tests and diagnostics inside the backend. */
    Vmcs vmcs() {
        return vmcs;
    }

    VmxProcessor processor() {
        return processor;
    }

    /** New EPT tables (a new memory map): the pointer, then INVEPT so no old mapping survives. */
    void useEptPointer(long eptp) {
        vmcs.write(VmcsField.EPT_POINTER, eptp);
        processor.inveptAllContexts();
    }

    @Override
    public int index() {
        return index;
    }

    @Override
    public VmExit run(long instructionBudget) {
        long left = Math.max(0, instructionBudget);
        while (true) {
            long slice = Math.min(left, MAX_TIMER);
            int reasonField;
            try {
                reasonField = enterOnce(slice);
            } catch (VmFailValid failure) {
                return FirstLevelExitHandler.entryFailure(failure.error(), processor.lastEntryFailure());
            }
            // The timer counts virtual time, halted time included: what it lost is what the slice used.
            if ((reasonField & ExitReason.VM_ENTRY_FAILURE) == 0) {
                left -= slice - vmcs.read(VmcsField.VMX_PREEMPTION_TIMER_VALUE);
            }
            boolean budgetLeft = left > 0;
            reinjectInterruptedEvent(reasonField);
            FirstLevelExitHandler.Internal action = FirstLevelExitHandler.internalAction(vmcs, gpr, config, budgetLeft);
            if (action != FirstLevelExitHandler.Internal.NONE && internalExitListener != null) {
                internalExitListener.internalExit(this, vmcs.read(VmcsField.GUEST_RIP), lastExitRecord());
            }
            switch (action) {
                case NONE:
                    return FirstLevelExitHandler.commonExit(vmcs, gpr, isRam, processor.lastEntryFailure());
                case PASS_THROUGH:
                    processor.passOnce(vmcs.read(VmcsField.GUEST_RIP));
                    break;
                case RAISE_UD:
                    queue(InterruptionInfo.encode(6, InterruptionInfo.TYPE_HARDWARE_EXCEPTION, false), 0, 0);
                    break;
                case UPDATE_READ_SHADOW:
                    carryOutControlRegisterAccess();
                    break;
                default:
                    break;
            }
        }
    }

    /**
     * One VMLAUNCH or VMRESUME with the preemption timer set to {@code timer}: the software save
     * area goes into the processor's registers before, and comes back after.
     *
     * @return the exit-reason field of the VM exit
     * @throws VmFailValid when VM entry fails before loading guest state
     */
    int enterOnce(long timer) {
        prepareEntry(timer);
        loadGprs();
        int reasonField;
        try {
            reasonField = vmcs.launchState() == LaunchState.CLEAR ? processor.vmlaunch() : processor.vmresume();
        } catch (VmFailValid failure) {
            lastWasVmFail = true;
            lastVmInstructionError = failure.error();
            throw failure;
        }
        lastWasVmFail = false;
        saveGprs();
        return reasonField;
    }

    /** Timer, pending event, and the IA-32e mode guest control derived from EFER. */
    private void prepareEntry(long timer) {
        vmcs.write(VmcsField.VMX_PREEMPTION_TIMER_VALUE, timer);
        deferBlockedNmi();
        if (pendingEvent != 0 && !InterruptionInfo.valid(vmcs.read32(VmcsField.VM_ENTRY_INTR_INFO_FIELD))) {
            vmcs.write(VmcsField.VM_ENTRY_INTR_INFO_FIELD, pendingEvent);
            vmcs.write(VmcsField.VM_ENTRY_EXCEPTION_ERROR_CODE, pendingErrorCode);
            vmcs.write(VmcsField.VM_ENTRY_INSTRUCTION_LEN, pendingLength);
            pendingEvent = 0;
            deferBlockedNmi();
        }
        if (InterruptionInfo.valid(vmcs.read32(VmcsField.VM_ENTRY_INTR_INFO_FIELD))
            && vmcs.read32(VmcsField.GUEST_ACTIVITY_STATE) == ACTIVITY_HLT) {
            // Delivering an event ends HLT; the VMCS may not hold an exception for a halted guest
            // (§27.3.1.5), so the hypervisor makes the guest active first.
            vmcs.write(VmcsField.GUEST_ACTIVITY_STATE, 0);
        }
        long efer = vmcs.read(VmcsField.GUEST_IA32_EFER);
        boolean paging = (vmcs.read(VmcsField.GUEST_CR0) & CpuState.CR0_PG) != 0;
        // EFER.LMA is the processor's: set when paging is enabled with LME (Vol. 3A §2.2.1).
        efer = paging && (efer & CpuState.EFER_LME) != 0 ? efer | CpuState.EFER_LMA : efer & ~CpuState.EFER_LMA;
        vmcs.write(VmcsField.GUEST_IA32_EFER, efer);
        int entry = vmcs.read32(VmcsField.VM_ENTRY_CONTROLS) & ~EntryControls.IA32E_MODE_GUEST;
        if ((efer & CpuState.EFER_LMA) != 0) {
            entry |= EntryControls.IA32E_MODE_GUEST;
        }
        vmcs.write(VmcsField.VM_ENTRY_CONTROLS, entry);
        if (pdptesStale) {
            pdptesStale = false;
            loadPdptesFromGuestMemory();
        }
    }

    /**
     * With EPT and PAE paging, VM entry takes the PDPTEs from the guest-state area (§27.3.2.4),
     * not from memory. When the monitor loads new paging state, the hypervisor reads the four
     * PDPTEs from the table the new CR3 names and stores them there, as KVM does on KVM_SET_SREGS;
     * a table outside RAM gives non-present entries.
     */
    private void loadPdptesFromGuestMemory() {
        if ((vmcs.read32(VmcsField.SECONDARY_VM_EXEC_CONTROL) & SecondaryControls.ENABLE_EPT) == 0
            || !GuestStateChecks.paePaging(vmcs)) {
            return;
        }
        long table = vmcs.read(VmcsField.GUEST_CR3) & 0xFFFF_FFE0L;
        for (int i = 0; i < 4; i++) {
            long host = vm.ram().blocks().hostAddress(table + 8L * i);
            vmcs.write(GuestStateChecks.pdpteField(i), host >= 0 ? vm.hostMemory().read64(host) : 0);
        }
    }

    /**
     * An NMI cannot be injected while the guest blocks NMIs (virtual-NMI blocking until its
     * handler's IRET) or sits in an STI/MOV-SS shadow (§27.3.1.5): VM entry would fail. Like a
     * hypervisor, hold it back and ask for an NMI-window exit (§26.7.6), which ends the run
     * internally and brings the NMI back here.
     */
    private void deferBlockedNmi() {
        int info = vmcs.read32(VmcsField.VM_ENTRY_INTR_INFO_FIELD);
        boolean blocked = (vmcs.read32(VmcsField.GUEST_INTERRUPTIBILITY_INFO) & NMI_BLOCKERS) != 0;
        if (InterruptionInfo.valid(info) && InterruptionInfo.type(info) == InterruptionInfo.TYPE_NMI && blocked) {
            vmcs.write(VmcsField.VM_ENTRY_INTR_INFO_FIELD, info & ~InterruptionInfo.VALID & 0xFFFF_FFFFL);
            deferredNmi = true;
        }
        if (deferredNmi && !blocked && !InterruptionInfo.valid(info)) {
            vmcs.write(VmcsField.VM_ENTRY_INTR_INFO_FIELD,
                InterruptionInfo.encode(2, InterruptionInfo.TYPE_NMI, false) & 0xFFFF_FFFFL);
            vmcs.write(VmcsField.VM_ENTRY_INSTRUCTION_LEN, 0);
            deferredNmi = false;
        }
        int primary = vmcs.read32(VmcsField.CPU_BASED_VM_EXEC_CONTROL) & ~ProcessorControls.NMI_WINDOW_EXITING;
        vmcs.write(VmcsField.CPU_BASED_VM_EXEC_CONTROL, primary | (deferredNmi ? ProcessorControls.NMI_WINDOW_EXITING : 0));
    }

    /**
     * An exit that interrupted event delivery leaves the event in the IDT-vectoring information
     * field (§28.2.4); the hypervisor must inject it again on the next entry (§28.2.4 note, §27.6).
     */
    private void reinjectInterruptedEvent(int reasonField) {
        if ((reasonField & ExitReason.VM_ENTRY_FAILURE) != 0) {
            return;
        }
        int vectoring = vmcs.read32(VmcsField.IDT_VECTORING_INFO_FIELD);
        if (!InterruptionInfo.valid(vectoring)) {
            return;
        }
        int type = InterruptionInfo.type(vectoring);
        boolean software = type == InterruptionInfo.TYPE_SOFTWARE_INTERRUPT
            || type == InterruptionInfo.TYPE_SOFTWARE_EXCEPTION || type == InterruptionInfo.TYPE_PRIVILEGED_SOFTWARE_EXCEPTION;
        // Bit 12 (NMI unblocking) and the undefined bits 30:12 must not reach the entry field.
        int info = vectoring & ~0x7FFF_F000;
        vmcs.write(VmcsField.VM_ENTRY_INTR_INFO_FIELD, info & 0xFFFF_FFFFL);
        vmcs.write(VmcsField.VM_ENTRY_EXCEPTION_ERROR_CODE, vmcs.read(VmcsField.IDT_VECTORING_ERROR_CODE));
        // For a software event the VM-exit instruction length is the INT n / INT3 / INTO length (§28.2.4).
        vmcs.write(VmcsField.VM_ENTRY_INSTRUCTION_LEN, software ? vmcs.read(VmcsField.VM_EXIT_INSTRUCTION_LEN) : 0);
    }

    /**
     * A control-register access exited (Table 28-3). The hypervisor carries it out: for a write to
     * CR0 or CR4 (MOV, CLTS, LMSW) the guest now believes the new host-owned bits, so they go into
     * the read shadow (§26.3); then the instruction runs once more without its exit check and
     * loads the real register (see {@code VmxGuestControls.controlRegisterWrite}). CR3 and CR8
     * accesses just run.
     */
    private void carryOutControlRegisterAccess() {
        long q = vmcs.read(VmcsField.EXIT_QUALIFICATION);
        int cr = ExitQualification.crNumber(q);
        int access = ExitQualification.crAccessType(q);
        if (cr == 0 || cr == 4) {
            VmcsField shadow = cr == 0 ? VmcsField.CR0_READ_SHADOW : VmcsField.CR4_READ_SHADOW;
            long m = vmcs.read(cr == 0 ? VmcsField.CR0_GUEST_HOST_MASK : VmcsField.CR4_GUEST_HOST_MASK);
            long old = vmcs.read(shadow);
            long believed = switch (access) {
                case ExitQualification.CR_MOV_TO -> {
                    int source = ExitQualification.crGpr(q);
                    yield source == 4 ? vmcs.read(VmcsField.GUEST_RSP) : gpr[source];
                }
                case ExitQualification.CR_CLTS -> old & ~CpuState.CR0_TS;
                // LMSW loads PE, MP, EM and TS from the source but never clears PE.
                case ExitQualification.CR_LMSW -> (old & ~0xEL) | (ExitQualification.lmswSource(q) & 0xF)
                    | (old & CpuState.CR0_PE);
                default -> old;
            };
            vmcs.write(shadow, (old & ~m) | (believed & m));
        }
        processor.passOnce(vmcs.read(VmcsField.GUEST_RIP));
    }

    // The save area and the core both index registers by number: one block copy each way. RSP
    // belongs to the VMCS (VM entry loads the core's RSP from GUEST_RSP); the save area's slot 4
    // keeps a copy of it for readGprs.

    private void loadGprs() {
        long[] core = processor.core().state().gpr;
        long rsp = core[4];
        System.arraycopy(gpr, 0, core, 0, 16);
        core[4] = rsp;
    }

    private void saveGprs() {
        System.arraycopy(processor.core().state().gpr, 0, gpr, 0, 16);
    }

    /** Sees every exit {@link #run} carries out itself, before it does (no record is built without one). */
    @Override
    public void setInternalExitListener(InternalExitListener listener) {
        this.internalExitListener = listener;
    }

    @Override
    public void configureIntercepts(InterceptConfig config) {
        this.config = config;
        InterceptEncoder.encode(config, vmcs, vm.hostMemory(), VmcsSetup.CR0_HOST_OWNED, VmcsSetup.CR4_HOST_OWNED);
    }

    @Override
    public long register(Register register) {
        if (register.isGeneralPurpose()) {
            return register == Register.RSP ? vmcs.read(VmcsField.GUEST_RSP) : gpr[register.ordinal()];
        }
        CpuState core = processor.core().state();
        return switch (register) {
            case RIP -> vmcs.read(VmcsField.GUEST_RIP);
            case RFLAGS -> vmcs.read(VmcsField.GUEST_RFLAGS);
            case CR0 -> guestView(VmcsField.GUEST_CR0, VmcsField.CR0_GUEST_HOST_MASK, VmcsField.CR0_READ_SHADOW);
            case CR4 -> guestView(VmcsField.GUEST_CR4, VmcsField.CR4_GUEST_HOST_MASK, VmcsField.CR4_READ_SHADOW);
            case CR3 -> vmcs.read(VmcsField.GUEST_CR3);
            case CR2 -> core.cr2;
            case CR8 -> core.cr8;
            case DR6 -> core.dr[6];
            case DR7 -> vmcs.read(VmcsField.GUEST_DR7);
            case EFER -> vmcs.read(VmcsField.GUEST_IA32_EFER);
            default -> throw new IllegalArgumentException("register " + register);
        };
    }

    /**
     * The software save area, with RSP from the VMCS. Slot 4 is stored over only when RSP changed
     * since the last exit: a single store into the block just copied would make a caller's block
     * read of it right after wait for that store (a failed store-to-load forward; MMIO emulation
     * copies the registers so).
     */
    @Override
    public void readGprs(long[] destination) {
        System.arraycopy(gpr, 0, destination, 0, 16);
        long rsp = vmcs.read(VmcsField.GUEST_RSP);
        if (gpr[4] != rsp) {
            destination[4] = rsp;
        }
    }

    private long guestView(VmcsField real, VmcsField mask, VmcsField shadow) {
        long m = vmcs.read(mask);
        return (vmcs.read(real) & ~m) | (vmcs.read(shadow) & m);
    }

    @Override
    public void setRegister(Register register, long value) {
        if (register.isGeneralPurpose()) {
            if (register == Register.RSP) {
                vmcs.write(VmcsField.GUEST_RSP, value);
            } else {
                gpr[register.ordinal()] = value;
            }
            return;
        }
        CpuState core = processor.core().state();
        pdptesStale |= register == Register.CR0 || register == Register.CR3 || register == Register.CR4
            || register == Register.EFER;
        switch (register) {
            case RIP -> vmcs.write(VmcsField.GUEST_RIP, value);
            case RFLAGS -> vmcs.write(VmcsField.GUEST_RFLAGS, value | CpuState.FIXED_ONE);
            case CR0 -> {
                // The guest believes the value; the real CR0 keeps the bits VMX operation requires.
                vmcs.write(VmcsField.CR0_READ_SHADOW, value);
                vmcs.write(VmcsField.GUEST_CR0, value | VmcsSetup.CR0_HOST_OWNED);
            }
            case CR4 -> {
                vmcs.write(VmcsField.CR4_READ_SHADOW, value);
                vmcs.write(VmcsField.GUEST_CR4, value | VmcsSetup.CR4_HOST_OWNED);
            }
            case CR3 -> vmcs.write(VmcsField.GUEST_CR3, value);
            case CR2 -> core.cr2 = value;
            case CR8 -> core.cr8 = value;
            case DR6 -> core.dr[6] = value;
            case DR7 -> vmcs.write(VmcsField.GUEST_DR7, value);
            case EFER -> vmcs.write(VmcsField.GUEST_IA32_EFER, value);
            default -> throw new IllegalArgumentException("register " + register);
        }
    }

    @Override
    public Segment segment(SegmentRegister register) {
        int s = register.ordinal();
        int ar = vmcs.read32(ACCESS_RIGHTS[s]);
        return new Segment((int) vmcs.read(SELECTOR[s]), vmcs.read(BASE[s]), vmcs.read32(LIMIT[s]), ar & 0xF0FF,
            (ar & AR_UNUSABLE) != 0);
    }

    @Override
    public int segmentSelector(SegmentRegister register) {
        return (int) vmcs.read(SELECTOR[register.ordinal()]);
    }

    @Override
    public long segmentBase(SegmentRegister register) {
        return vmcs.read(BASE[register.ordinal()]);
    }

    @Override
    public int segmentLimit(SegmentRegister register) {
        return vmcs.read32(LIMIT[register.ordinal()]);
    }

    /** As {@link Segment}'s canonical form: an unusable segment's P bit reads 0. */
    @Override
    public int segmentAttributes(SegmentRegister register) {
        return canonicalAttributes(vmcs.read32(ACCESS_RIGHTS[register.ordinal()]));
    }

    /** Access rights in {@link Segment}'s form: descriptor bits only, P read as 0 when unusable. */
    private static int canonicalAttributes(int ar) {
        return (ar & AR_UNUSABLE) != 0 ? ar & 0xF0FF & ~Segment.P : ar & 0xF0FF;
    }

    @Override
    public boolean segmentUnusable(SegmentRegister register) {
        return (vmcs.read32(ACCESS_RIGHTS[register.ordinal()]) & AR_UNUSABLE) != 0;
    }

    @Override
    public void readSegments(int[] selectors, long[] bases, int[] limits, int[] attributes) {
        for (int s = 0; s <= SegmentRegister.GS.ordinal(); s++) {
            selectors[s] = (int) vmcs.read(SELECTOR[s]);
            bases[s] = vmcs.read(BASE[s]);
            limits[s] = vmcs.read32(LIMIT[s]);
            int ar = vmcs.read32(ACCESS_RIGHTS[s]);
            attributes[s] = canonicalAttributes(ar) | ((ar & AR_UNUSABLE) != 0 ? Segment.UNUSABLE : 0);
        }
    }

    @Override
    public void setSegment(SegmentRegister register, Segment value) {
        int s = register.ordinal();
        int ar = value.attributes();
        if (value.unusable()) {
            ar |= AR_UNUSABLE;
        } else if ((ar & Segment.S) != 0) {
            // Loading a code or data segment sets the descriptor's accessed bit (Vol. 3A §3.4.5.1).
            ar |= 1;
        } else if (register == SegmentRegister.TR && (ar & Segment.TYPE_MASK) != 0 && (ar & 2) == 0) {
            // LTR marks the TSS busy (Vol. 3A §8.2.4).
            ar |= 2;
        }
        vmcs.write(SELECTOR[s], value.selector());
        vmcs.write(BASE[s], value.base());
        vmcs.write(LIMIT[s], value.limit() & 0xFFFF_FFFFL);
        vmcs.write(ACCESS_RIGHTS[s], ar);
    }

    @Override
    public DescriptorTable gdtr() {
        return new DescriptorTable(vmcs.read(VmcsField.GUEST_GDTR_BASE), vmcs.read32(VmcsField.GUEST_GDTR_LIMIT));
    }

    @Override
    public void setGdtr(DescriptorTable value) {
        vmcs.write(VmcsField.GUEST_GDTR_BASE, value.base());
        vmcs.write(VmcsField.GUEST_GDTR_LIMIT, value.limit());
    }

    @Override
    public DescriptorTable idtr() {
        return new DescriptorTable(vmcs.read(VmcsField.GUEST_IDTR_BASE), vmcs.read32(VmcsField.GUEST_IDTR_LIMIT));
    }

    @Override
    public void setIdtr(DescriptorTable value) {
        vmcs.write(VmcsField.GUEST_IDTR_BASE, value.base());
        vmcs.write(VmcsField.GUEST_IDTR_LIMIT, value.limit());
    }

    /** GUEST_RIP advances by the VM-exit instruction length; the STI/MOV-SS blocking it carried ends. */
    @Override
    public void completeInstruction() {
        int length = vmcs.read32(VmcsField.VM_EXIT_INSTRUCTION_LEN);
        if (length == 0) {
            throw new IllegalStateException("the last VM exit (reason "
                + ExitReason.basic(vmcs.read32(VmcsField.VM_EXIT_REASON)) + ") reports no instruction length");
        }
        long rip = vmcs.read(VmcsField.GUEST_RIP) + length;
        if ((vmcs.read32(VmcsField.GUEST_CS_AR_BYTES) & (1 << 13)) == 0
            || (vmcs.read32(VmcsField.VM_ENTRY_CONTROLS) & EntryControls.IA32E_MODE_GUEST) == 0) {
            rip &= 0xFFFF_FFFFL;
        }
        completeAt(rip);
    }

    @Override
    public void completeEmulatedInstruction(long nextRip) {
        completeAt(nextRip);
    }

    /**
     * RIP after the completed instruction; the STI/MOV-SS blocking it carried ends (blocking by
     * STI or MOV SS covers only the next instruction: interruptibility state, SDM Vol. 3C §25.4.2).
     */
    private void completeAt(long rip) {
        vmcs.write(VmcsField.GUEST_RIP, rip);
        vmcs.write(VmcsField.GUEST_INTERRUPTIBILITY_INFO, vmcs.read32(VmcsField.GUEST_INTERRUPTIBILITY_INFO) & ~3);
        if (vmcs.read32(VmcsField.GUEST_ACTIVITY_STATE) != 0 && ExitReason.basic(vmcs.read32(VmcsField.VM_EXIT_REASON)) != ExitReason.HLT) {
            vmcs.write(VmcsField.GUEST_ACTIVITY_STATE, 0);
        }
        completedByMonitor++;
    }

    @Override
    public void inject(Event event) {
        int info;
        int error = 0;
        int length = 0;
        boolean protectedMode = (vmcs.read(VmcsField.GUEST_CR0) & CpuState.CR0_PE) != 0;
        if (event instanceof Event.ExternalInterrupt interrupt) {
            info = InterruptionInfo.encode(interrupt.vector(), InterruptionInfo.TYPE_EXTERNAL_INTERRUPT, false);
        } else if (event instanceof Event.Nmi) {
            info = InterruptionInfo.encode(2, InterruptionInfo.TYPE_NMI, false);
        } else if (event instanceof Event.HardwareException exception) {
            // VM entry requires "deliver error code" exactly when the processor would push one (§27.2.1.3).
            boolean pushes = protectedMode && InterruptionInfo.exceptionHasErrorCode(exception.vector());
            error = pushes && exception.errorCode() != null ? exception.errorCode() : 0;
            info = InterruptionInfo.encode(exception.vector(), InterruptionInfo.TYPE_HARDWARE_EXCEPTION, pushes);
        } else if (event instanceof Event.SoftwareInterrupt intn) {
            requireNoPendingEvent(intn);
            info = InterruptionInfo.encode(intn.vector(), InterruptionInfo.TYPE_SOFTWARE_INTERRUPT, false);
            length = intn.instructionLength();
        } else {
            throw new IllegalArgumentException("event " + event);
        }
        queue(info, error, length);
    }

    @Override
    public boolean eventPending() {
        return InterruptionInfo.valid(vmcs.read32(VmcsField.VM_ENTRY_INTR_INFO_FIELD)) || pendingEvent != 0 || deferredNmi;
    }

    /** A software interrupt's length is for the instruction at RIP now: it cannot wait behind another event. */
    private void requireNoPendingEvent(Event.SoftwareInterrupt intn) {
        if (eventPending()) {
            throw new IllegalStateException(String.format("INT 0x%x injected at RIP 0x%x while another event waits for"
                + " delivery; inject it after the next exit", intn.vector(), vmcs.read(VmcsField.GUEST_RIP)));
        }
    }

    /** The VM-entry interruption-information field if free; else after the re-injection it holds. */
    private void queue(int info, int error, int length) {
        if (InterruptionInfo.valid(vmcs.read32(VmcsField.VM_ENTRY_INTR_INFO_FIELD))) {
            pendingEvent = info & 0xFFFF_FFFFL;
            pendingErrorCode = error;
            pendingLength = length;
        } else {
            vmcs.write(VmcsField.VM_ENTRY_INTR_INFO_FIELD, info & 0xFFFF_FFFFL);
            vmcs.write(VmcsField.VM_ENTRY_EXCEPTION_ERROR_CODE, error);
            vmcs.write(VmcsField.VM_ENTRY_INSTRUCTION_LEN, length);
        }
    }

    @Override
    public boolean interruptible() {
        return (vmcs.read(VmcsField.GUEST_RFLAGS) & CpuState.IF) != 0
            && (vmcs.read32(VmcsField.GUEST_INTERRUPTIBILITY_INFO) & 3) == 0
            && !InterruptionInfo.valid(vmcs.read32(VmcsField.VM_ENTRY_INTR_INFO_FIELD)) && pendingEvent == 0
            && !deferredNmi;
    }

    @Override
    public void requestInterruptWindow(boolean enabled) {
        int primary = vmcs.read32(VmcsField.CPU_BASED_VM_EXEC_CONTROL) & ~ProcessorControls.INTERRUPT_WINDOW_EXITING;
        vmcs.write(VmcsField.CPU_BASED_VM_EXEC_CONTROL, primary | (enabled ? ProcessorControls.INTERRUPT_WINDOW_EXITING : 0));
    }

    @Override
    public long retiredInstructions() {
        return processor.core().retiredInstructions() + completedByMonitor;
    }

    /**
     * The VMCS record of the last exit: {@code reason} is the basic exit reason (bits 15:0 of the
     * exit-reason field), and the fields are read back from the VM-exit information fields. After
     * a VMfailValid, which is no exit, {@code reason} is -1 and the only field is the
     * VM-instruction error.
     */
    @Override
    public long lastExitReason() {
        return lastWasVmFail ? -1 : ExitReason.basic(vmcs.read32(VmcsField.VM_EXIT_REASON));
    }

    @Override
    public VendorRecord lastExitRecord() {
        Map<String, Long> fields = new LinkedHashMap<>();
        if (lastWasVmFail) {
            // VMfailValid is not a VM exit: there is no exit reason, only the VM-instruction error.
            fields.put("vm_instruction_error", (long) lastVmInstructionError);
            return new VendorRecord(VmxBackendProvider.NAME, -1, fields);
        }
        int reasonField = vmcs.read32(VmcsField.VM_EXIT_REASON);
        fields.put("qualification", vmcs.read(VmcsField.EXIT_QUALIFICATION));
        fields.put("exit_reason", reasonField & 0xFFFF_FFFFL);
        fields.put("instruction_length", vmcs.read(VmcsField.VM_EXIT_INSTRUCTION_LEN));
        fields.put("instruction_info", vmcs.read(VmcsField.VMX_INSTRUCTION_INFO));
        fields.put("interruption_info", vmcs.read(VmcsField.VM_EXIT_INTR_INFO));
        fields.put("interruption_error_code", vmcs.read(VmcsField.VM_EXIT_INTR_ERROR_CODE));
        fields.put("idt_vectoring_info", vmcs.read(VmcsField.IDT_VECTORING_INFO_FIELD));
        fields.put("guest_linear_address", vmcs.read(VmcsField.GUEST_LINEAR_ADDRESS));
        fields.put("guest_physical_address", vmcs.read(VmcsField.GUEST_PHYSICAL_ADDRESS));
        return new VendorRecord(VmxBackendProvider.NAME, ExitReason.basic(reasonField), fields);
    }

    @Override
    public int readLinear(long linearAddress, byte[] destination, int length) {
        return processor.readGuestLinear(linearAddress, destination, length);
    }

    /** TSC_OFFSET with "use TSC offsetting" (SDM Vol. 3C §26.6.5, §27.3 on RDTSC in VMX non-root). */
    @Override
    public void setTscOffset(long offset) {
        int primary = vmcs.read32(VmcsField.CPU_BASED_VM_EXEC_CONTROL);
        vmcs.write(VmcsField.CPU_BASED_VM_EXEC_CONTROL, primary | ProcessorControls.USE_TSC_OFFSETTING);
        vmcs.write(VmcsField.TSC_OFFSET, offset);
    }

    @Override
    public long translateLinear(long linearAddress, boolean write) {
        return processor.translateGuestLinear(linearAddress, write);
    }
}
