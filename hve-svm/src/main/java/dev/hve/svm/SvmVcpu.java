package dev.hve.svm;

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
import dev.hve.emulator.X86Core;
import dev.hve.emulator.cpu.CpuState;
import dev.hve.svm.entry.GuestStateTransfer;
import dev.hve.svm.entry.SoftwareSaveArea;
import dev.hve.svm.event.EventInj;
import dev.hve.svm.exit.FirstLevelExitHandler;
import dev.hve.svm.exit.FirstLevelExitHandler.Internal;
import dev.hve.svm.exit.HostEvent;
import dev.hve.svm.exit.SvmExitCode;
import dev.hve.svm.exit.SvmGuestControls;
import dev.hve.svm.intercept.InterceptBits;
import dev.hve.svm.intercept.InterceptEncoder;
import dev.hve.svm.intercept.Iopm;
import dev.hve.svm.intercept.Msrpm;
import dev.hve.svm.vmcb.VintrControl;
import dev.hve.svm.vmcb.Vmcb;
import dev.hve.svm.vmcb.VmcbLayout;
import dev.hve.svm.vmcb.VmcbWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One SVM vCPU: a VMCB with its IOPM and MSRPM in modeled host memory, a software save area for
 * the GPRs the VMCB does not hold, and a core. {@link #run} is VMRUN followed by the first-level
 * exit handler; the register accessors read and write the VMCB's save area or the software area,
 * wherever the register lives on SVM.
 *
 * <p>As hypervisor, the vCPU keeps the VMCB clean field honest (APM Vol. 2 §15.15.3): when the
 * host has clean bits it declares every area clean after each #VMEXIT, as KVM does, and every
 * write it makes to the VMCB goes through one {@link VmcbWriter}, which clears the bit of the area
 * written.
 */
public final class SvmVcpu implements Vcpu {

    private final SvmVm vm;
    private final int index;
    private final Vmcb vmcb;
    /** Every write of this hypervisor to the VMCB: it keeps the clean bits true. */
    private final VmcbWriter writer;
    private final long iopm;
    private final long msrpm;
    private final X86Core core;
    private final SvmGuestControls controls;
    private final SoftwareSaveArea software = new SoftwareSaveArea();
    private final Vmrun vmrun;
    private final GuestRegisters registers;
    private final NmiMasking nmi;
    private InterceptConfig config;
    private InternalExitListener internalExitListener;
    /** An event the monitor queued while EVENTINJ still held a re-injection (EVENTINJ format). */
    private long queuedEvent;
    private long completedByMonitor;
    private long publishedNcr3 = -1;

    SvmVcpu(SvmVm vm, int index) {
        this.vm = vm;
        this.index = index;
        this.vmcb = new Vmcb(vm.hostMemory(), vm.allocatePages(VmcbLayout.SIZE));
        this.writer = new VmcbWriter(vmcb);
        this.iopm = vm.allocatePages(Iopm.SIZE);
        this.msrpm = vm.allocatePages(Msrpm.SIZE);
        this.controls = new SvmGuestControls(vmcb, vm.hostMemory(), vm.features());
        this.core = new X86Core(vm.hostMemory(), vm.cpuModel(), controls);
        controls.attach(core);
        this.vmrun = new Vmrun(vmcb, core, controls, vm.features(), software);
        this.registers = new GuestRegisters(writer, software);
        this.nmi = new NmiMasking(writer);
        initializeVmcb();
    }

    /** The power-on guest state and this backend's fixed controls. */
    private void initializeVmcb() {
        GuestStateTransfer.save(new CpuState(), vmcb, software);
        // ASID 0 is the host's (§15.16); each vCPU's guest gets its own.
        writer.write32(VmcbLayout.GUEST_ASID, index + 1);
        writer.write64(VmcbLayout.NP_ENABLE, 1);
        publishNestedPaging();
        writer.write64(VmcbLayout.VINTR_CONTROL, VintrControl.V_INTR_MASKING);
        configureIntercepts(InterceptConfig.monitorDefaults());
    }

    /** The VMCB, for diagnostics and for tests that act as the hypervisor on the raw structure. */
    public Vmcb vmcb() {
        return vmcb;
    }

    public X86Core core() {
        return core;
    }

    @Override
    public int index() {
        return index;
    }

    // ---- Running ----

    @Override
    public VmExit run(long instructionBudget) {
        long start = core.retiredInstructions();
        while (true) {
            long remaining = instructionBudget - (core.retiredInstructions() - start);
            boolean step = nmi.beforeVmrun(!EventInj.valid(vmcb.read64(VmcbLayout.EVENTINJ)));
            long before = core.retiredInstructions();
            long exitCode = vmrun(step ? Math.min(remaining, 1) : remaining);
            if (exitCode == SvmExitCode.VMEXIT_INVALID) {
                return FirstLevelExitHandler.commonExit(vmcb, software, vm.paging().ram(), vmrun.lastFailure());
            }
            nmi.afterVmrun(exitCode, core.retiredInstructions() != before);
            reinjectInterruptedEvent();
            // The end of a single-instruction run for a held NMI is not the end of the budget.
            Internal action = step && exitCode == SvmExitCode.VMEXIT_INTR && remaining > 1 ? Internal.RESUME
                : FirstLevelExitHandler.internalAction(vmcb, software, config);
            if (action != Internal.NONE && internalExitListener != null) {
                internalExitListener.internalExit(this, vmcb.read64(VmcbLayout.RIP), lastExitRecord());
            }
            switch (action) {
                case NONE:
                    return FirstLevelExitHandler.commonExit(vmcb, software, vm.paging().ram(), null);
                case PASS_THROUGH:
                    if (exitCode == SvmExitCode.VMEXIT_IRET) {
                        nmi.iretIntercepted();
                    }
                    controls.bypassOnce(vmcb.read64(VmcbLayout.RIP));
                    break;
                case RAISE_UD:
                    queue(EventInj.encode(EventInj.TYPE_EXCEPTION, 6, false, 0));
                    break;
                case RESUME:
                default:
                    break;
            }
        }
    }

    /**
     * One VMRUN up to #VMEXIT, without the first-level handler: the hardware operation itself.
     * Returns EXITCODE; the full record is in {@link #vmcb()}.
     */
    public long vmrun(long instructionBudget) {
        publishNestedPaging();
        if (queuedEvent != 0 && !EventInj.valid(vmcb.read64(VmcbLayout.EVENTINJ))) {
            writer.write64(VmcbLayout.EVENTINJ, queuedEvent);
            queuedEvent = 0;
        }
        long exitCode = vmrun.run(instructionBudget);
        if (vm.features().vmcbClean()) {
            writer.markAllClean();
        }
        controls.clearBypass();
        return exitCode;
    }

    /**
     * A physical event arrives at this vCPU's processor while it runs the guest (a host NMI, SMI,
     * INIT, or a host device's interrupt); see {@link HostEvent}. With the backend's own
     * intercepts an NMI, SMI or INIT exits and is dealt with by the backend, and an INTR ends the
     * run as {@link VmExit.Preempted}.
     */
    public void raiseHostEvent(HostEvent event) {
        vmrun.raise(event);
    }

    /** The backend, as hypervisor, points N_CR3 at the VM's current nested tables. */
    private void publishNestedPaging() {
        long nCr3 = vm.paging().nCr3();
        if (nCr3 != publishedNcr3) {
            writer.write64(VmcbLayout.N_CR3, nCr3);
            publishedNcr3 = nCr3;
        }
    }

    /**
     * An event whose delivery an exit cut short is delivered again on the next entry (§15.7.2),
     * as a hypervisor does with EXITINTINFO. An INTn keeps its return address through nRIP; an
     * INT3/INTO/INT1 is not re-injected because RIP still points at the instruction, which raises
     * it again when re-executed.
     */
    private void reinjectInterruptedEvent() {
        long interrupted = vmcb.read64(VmcbLayout.EXITINTINFO);
        if (!EventInj.valid(interrupted) || vmrun.interruptedSoftwareException()) {
            return;
        }
        writer.write64(VmcbLayout.EVENTINJ, interrupted);
        if (EventInj.type(interrupted) == EventInj.TYPE_SOFTWARE_INTERRUPT) {
            writer.write64(VmcbLayout.NRIP, vmcb.read64(VmcbLayout.RIP) + vmrun.interruptedInstructionLength());
        }
    }

    /** Told of every exit {@link #run} carries out itself, before it does; null for none. */
    @Override
    public void setInternalExitListener(InternalExitListener listener) {
        this.internalExitListener = listener;
    }

    @Override
    public void configureIntercepts(InterceptConfig config) {
        this.config = config;
        InterceptEncoder.encode(config, writer, iopm, msrpm);
    }

    @Override
    public void completeInstruction() {
        if (!vm.features().nrips()) {
            throw new IllegalStateException("the host lacks NRIPS: the monitor must decode the instruction length");
        }
        long next = vmcb.read64(VmcbLayout.NRIP);
        if (next == 0) {
            throw new IllegalStateException(String.format("#VMEXIT 0x%x has no next RIP; set RIP instead",
                vmcb.read64(VmcbLayout.EXITCODE)));
        }
        completeAt(next);
    }

    @Override
    public void completeEmulatedInstruction(long nextRip) {
        completeAt(nextRip);
    }

    private void completeAt(long next) {
        writer.write64(VmcbLayout.RIP, next);
        // The completed instruction consumed any STI/MOV SS shadow that covered it.
        writer.write64(VmcbLayout.INTERRUPT_SHADOW,
            vmcb.read64(VmcbLayout.INTERRUPT_SHADOW) & ~VintrControl.INTERRUPT_SHADOW);
        completedByMonitor++;
    }

    @Override
    public void inject(Event event) {
        long encoded;
        if (event instanceof Event.ExternalInterrupt interrupt) {
            encoded = EventInj.encode(EventInj.TYPE_INTR, interrupt.vector(), false, 0);
        } else if (event instanceof Event.Nmi) {
            // Not simply EVENTINJ: the backend keeps NMI masking itself (see NmiMasking).
            nmi.inject(!EventInj.valid(vmcb.read64(VmcbLayout.EVENTINJ)));
            return;
        } else if (event instanceof Event.HardwareException exception) {
            // EV is set exactly when the processor would push an error code for this vector in the
            // guest's mode: protected mode only (§15.20, EV).
            boolean pushes = (vmcb.read64(VmcbLayout.CR0) & CpuState.CR0_PE) != 0
                && FirstLevelExitHandler.pushesErrorCode(exception.vector());
            Integer error = exception.errorCode();
            encoded = EventInj.encode(EventInj.TYPE_EXCEPTION, exception.vector(), pushes,
                pushes && error != null ? error : 0);
        } else {
            Event.SoftwareInterrupt intn = (Event.SoftwareInterrupt) event;
            if (eventPending()) {
                // Its length (and so nRIP) is for the instruction at RIP now, not where it would be delivered.
                throw new IllegalStateException(String.format("INT 0x%x injected at RIP 0x%x while another event waits"
                    + " for delivery; inject it after the next exit", intn.vector(), vmcb.read64(VmcbLayout.RIP)));
            }
            encoded = EventInj.encode(EventInj.TYPE_SOFTWARE_INTERRUPT, intn.vector(), false, 0);
            // With NRIPS, an injected INTn pushes nRIP as its return address (§15.20).
            writer.write64(VmcbLayout.NRIP, vmcb.read64(VmcbLayout.RIP) + intn.instructionLength());
        }
        queue(encoded);
    }

    @Override
    public boolean eventPending() {
        return EventInj.valid(vmcb.read64(VmcbLayout.EVENTINJ)) || queuedEvent != 0 || nmi.pending();
    }

    /** EVENTINJ if it is free; else after the re-injection it holds has been delivered. */
    private void queue(long event) {
        if (EventInj.valid(vmcb.read64(VmcbLayout.EVENTINJ))) {
            queuedEvent = event;
        } else {
            writer.write64(VmcbLayout.EVENTINJ, event);
        }
    }

    @Override
    public boolean interruptible() {
        return (vmcb.read64(VmcbLayout.RFLAGS) & CpuState.IF) != 0
            && (vmcb.read64(VmcbLayout.INTERRUPT_SHADOW) & VintrControl.INTERRUPT_SHADOW) == 0
            && !EventInj.valid(vmcb.read64(VmcbLayout.EVENTINJ)) && queuedEvent == 0 && !nmi.pending();
    }

    /**
     * The SVM way to wait for an interrupt window (§15.21.4): a virtual interrupt is made pending
     * with V_IRQ, ignoring V_TPR, and the VINTR intercept turns its acceptance into an exit.
     */
    @Override
    public void requestInterruptWindow(boolean enabled) {
        long old = vmcb.read64(VmcbLayout.VINTR_CONTROL);
        long vintr = old
            & ~(VintrControl.V_IRQ | VintrControl.V_IGN_TPR | VintrControl.V_INTR_VECTOR_MASK | VintrControl.V_INTR_PRIO_MASK);
        if (enabled) {
            vintr |= VintrControl.V_IRQ | VintrControl.V_IGN_TPR;
        }
        // The monitor asks on every exit; an unchanged quadword is left alone, and its TPR area clean.
        if (vintr != old) {
            writer.write64(VmcbLayout.VINTR_CONTROL, vintr);
        }
        writer.setBit(VmcbLayout.INTERCEPT_VECTOR3, InterceptBits.VINTR, enabled);
    }

    @Override
    public long retiredInstructions() {
        return core.retiredInstructions() + completedByMonitor;
    }

    @Override
    public long lastExitReason() {
        return vmcb.read64(VmcbLayout.EXITCODE);
    }

    @Override
    public VendorRecord lastExitRecord() {
        Map<String, Long> fields = new LinkedHashMap<>();
        fields.put("exitinfo1", vmcb.read64(VmcbLayout.EXITINFO1));
        fields.put("exitinfo2", vmcb.read64(VmcbLayout.EXITINFO2));
        fields.put("exitintinfo", vmcb.read64(VmcbLayout.EXITINTINFO));
        fields.put("next_rip", vmcb.read64(VmcbLayout.NRIP));
        return new VendorRecord(SvmBackendProvider.NAME, vmcb.read64(VmcbLayout.EXITCODE), fields);
    }

    @Override
    public int readLinear(long linearAddress, byte[] destination, int length) {
        viewGuest();
        return core.readLinear(linearAddress, destination, length);
    }

    @Override
    public long translateLinear(long linearAddress, boolean write) {
        viewGuest();
        return core.translateLinear(linearAddress, write);
    }

    /**
     * The core walks the guest's paging with its registers: give it the VMCB's current paging
     * state. After a #VMEXIT the core and the controls already hold it, except for the areas this
     * hypervisor has written since, whose clean bits it cleared: only those are loaded.
     */
    private void viewGuest() {
        publishNestedPaging();
        int clean = vmrun.cleanBits();
        controls.loadControls(clean);
        vmrun.loadPagingState(clean);
    }

    /** The VMCB's TSC_OFFSET, added to the TSC the guest reads (APM Vol. 2 §15.30.4). */
    @Override
    public void setTscOffset(long offset) {
        writer.write64(VmcbLayout.TSC_OFFSET, offset);
    }

    // ---- Registers: wherever SVM keeps them (see GuestRegisters) ----

    @Override
    public long register(Register register) {
        return registers.get(register);
    }

    @Override
    public void readGprs(long[] destination) {
        registers.readGprs(destination);
    }

    @Override
    public void setRegister(Register register, long value) {
        registers.set(register, value);
    }

    @Override
    public Segment segment(SegmentRegister register) {
        return registers.segment(register);
    }

    @Override
    public void readSegments(int[] selectors, long[] bases, int[] limits, int[] attributes) {
        registers.readSegments(selectors, bases, limits, attributes);
    }

    @Override
    public int segmentSelector(SegmentRegister register) {
        return registers.segmentSelector(register);
    }

    @Override
    public long segmentBase(SegmentRegister register) {
        return registers.segmentBase(register);
    }

    @Override
    public int segmentLimit(SegmentRegister register) {
        return registers.segmentLimit(register);
    }

    @Override
    public int segmentAttributes(SegmentRegister register) {
        return registers.segmentAttributes(register);
    }

    @Override
    public boolean segmentUnusable(SegmentRegister register) {
        return registers.segmentUnusable(register);
    }

    @Override
    public void setSegment(SegmentRegister register, Segment value) {
        registers.setSegment(register, value);
    }

    @Override
    public DescriptorTable gdtr() {
        return registers.descriptorTable(VmcbLayout.GDTR);
    }

    @Override
    public void setGdtr(DescriptorTable value) {
        registers.setDescriptorTable(VmcbLayout.GDTR, value);
    }

    @Override
    public DescriptorTable idtr() {
        return registers.descriptorTable(VmcbLayout.IDTR);
    }

    @Override
    public void setIdtr(DescriptorTable value) {
        registers.setDescriptorTable(VmcbLayout.IDTR, value);
    }
}
