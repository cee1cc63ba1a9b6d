package dev.hve.svm;

import dev.hve.emulator.cpu.EventType;
import dev.hve.emulator.StopReason;
import dev.hve.emulator.X86Core;
import dev.hve.emulator.cpu.CpuState;
import dev.hve.svm.cpu.HostFeatures;
import dev.hve.svm.entry.GuestStateTransfer;
import dev.hve.svm.entry.SegmentImage;
import dev.hve.svm.entry.SoftwareSaveArea;
import dev.hve.svm.entry.VmrunChecks;
import dev.hve.svm.event.EventInj;
import dev.hve.svm.exit.HostEvent;
import dev.hve.svm.exit.SvmExitCode;
import dev.hve.svm.exit.SvmGuestControls;
import dev.hve.svm.vmcb.CleanBits;
import dev.hve.svm.vmcb.Vmcb;
import dev.hve.svm.vmcb.VmcbLayout;

/**
 * The world switch: one VMRUN of a VMCB up to the following #VMEXIT (AMD APM Vol. 2, §15.5 and
 * §15.6). VMRUN checks the guest state, loads it into the core, injects EVENTINJ, and runs guest
 * code; the #VMEXIT record is written by {@link SvmGuestControls} as events occur, and the guest
 * state is saved back to the VMCB here.
 *
 * <p>VMRUN honours the VMCB clean bits (§15.15.3, {@link CleanBits}) when the host advertises
 * them (CPUID Fn8000_000A_EDX[5]): for an area whose bit is set it keeps the processor's cached
 * copy instead of reading the VMCB. The cache is what the processor still holds from the last
 * #VMEXIT of this VMCB: the core's {@link CpuState} as the state save left it (CRx, DRx, DT, SEG,
 * CR2, V_TPR, G_PAT) and the control fields {@link SvmGuestControls} read at the VMRUN before
 * (intercepts, TSC offset, pause filter, IOPM/MSRPM bases, V_IRQ and friends, NP_ENABLE, N_CR3).
 * The cache exists only once this VMCB has run to a #VMEXIT on this core, so the first VMRUN, and
 * the one after a VMRUN that failed its checks, read every area. Whatever no clean bit covers is
 * read every time: RAX, RSP, RIP, RFLAGS, EVENTINJ, TLB_CONTROL, the interrupt shadow, and the
 * VMLOAD/VMSAVE state this model moves on VMRUN (FS, GS, LDTR, TR, the syscall and sysenter MSRs).
 *
 * <p>Between runs the hypervisor may load the VMCB's paging state into the core to translate
 * guest-linear addresses ({@link #loadPagingState}). It loads the areas the clean bits mark dirty,
 * as VMRUN would; a clean area is the core's copy, equal to the VMCB's while the hypervisor keeps
 * its clean bits honest. Either way the cache then holds the VMCB's value or its own, which are
 * the two results the APM allows for a clean area.
 *
 * <p>The consistency checks ({@link VmrunChecks}) look only at the areas VMRUN reads; a cached
 * area passed them when it was loaded or is state the guest reached itself. The TLBs are flushed
 * when a reloaded area brings a new CR0/CR3/CR4/EFER, N_CR3 or ASID; a clean area brings nothing
 * new, and TLB_CONTROL is honoured every time.
 */
final class Vmrun {

    private static final long CR0_PG = CpuState.CR0_PG;
    private static final HostEvent[] HOST_EVENTS = HostEvent.values();

    private final Vmcb vmcb;
    private final X86Core core;
    private final SvmGuestControls controls;
    private final HostFeatures features;
    private final SoftwareSaveArea software;
    private final SegmentImage segments = new SegmentImage();
    private String lastFailure;
    private boolean interruptedSoftwareException;
    private int interruptedInstructionLength;
    private long lastNcr3 = -1;
    private long lastAsid = -1;
    /** The core holds the state of this VMCB's last #VMEXIT: the clean bits may be honoured. */
    private boolean cached;
    /** Physical events pending at the processor, a bit per {@link HostEvent} ordinal. */
    private int hostEvents;

    Vmrun(Vmcb vmcb, X86Core core, SvmGuestControls controls, HostFeatures features, SoftwareSaveArea software) {
        this.vmcb = vmcb;
        this.core = core;
        this.controls = controls;
        this.features = features;
        this.software = software;
    }

    /**
     * The exit interrupted the delivery of INT3, INTO or INT1 raised by a guest instruction. RIP
     * still points at that instruction, so re-executing it raises the event again; it must not
     * also be re-injected.
     */
    boolean interruptedSoftwareException() {
        return interruptedSoftwareException;
    }

    /** For an interrupted INTn: its length, so that a re-injection can rebuild nRIP. */
    int interruptedInstructionLength() {
        return interruptedInstructionLength;
    }

    /**
     * A physical event arrives at the processor (the host's NMI, SMI, INIT or a device
     * interrupt). It is recognized at the next VMRUN; an intercepted one exits there and is the
     * host's to handle, so it is no longer pending for the guest. One that is not intercepted
     * stays pending: the model has no way to take it inside the guest.
     */
    void raise(HostEvent event) {
        hostEvents |= 1 << event.ordinal();
    }

    /** Which consistency check the last VMEXIT_INVALID came from. */
    String lastFailure() {
        return lastFailure;
    }

    /**
     * Executes VMRUN and returns at #VMEXIT with its EXITCODE. At most {@code budget} guest
     * instructions retire; when they have, a physical interrupt is modeled (#VMEXIT(INTR)).
     */
    long run(long budget) {
        int clean = cleanBits();
        String failure = VmrunChecks.check(vmcb, features, core.memory(), clean);
        if (failure != null) {
            // Nothing was loaded; the next VMRUN reads every area again.
            cached = false;
            lastFailure = failure;
            vmcb.write64(VmcbLayout.EXITCODE, SvmExitCode.VMEXIT_INVALID);
            vmcb.write64(VmcbLayout.EXITINFO1, 0);
            vmcb.write64(VmcbLayout.EXITINFO2, 0);
            vmcb.write64(VmcbLayout.EXITINTINFO, 0);
            return SvmExitCode.VMEXIT_INVALID;
        }
        lastFailure = null;
        controls.loadControls(clean);
        flushTlbIfNeeded(clean);
        GuestStateTransfer.load(vmcb, software, core.state(), segments, clean);
        try {
            enterGuest(budget);
            controls.completeExitRecord();
        } finally {
            GuestStateTransfer.save(core.state(), vmcb, software, segments);
            cached = true;
        }
        return vmcb.read64(VmcbLayout.EXITCODE);
    }

    /**
     * The VMCB_CLEAN field as this VMRUN may honour it: 0 (reload everything) on a host without
     * the feature, or when the core holds no state of this VMCB yet. Bits 31:12 are reserved.
     */
    int cleanBits() {
        return cached && features.vmcbClean() ? vmcb.read32(VmcbLayout.VMCB_CLEAN) & CleanBits.ALL : 0;
    }

    /**
     * Loads only the paging state of the VMCB ({@link GuestStateTransfer#loadPaging}), for the
     * monitor's translations of guest-linear addresses between runs; the next VMRUN loads the rest.
     * Like VMRUN it leaves the areas {@code clean} marks as the core holds them: between runs those
     * are the VMCB's values, for the hypervisor clears the bit of every area it writes.
     */
    void loadPagingState(int clean) {
        flushTlbIfNeeded(clean);
        GuestStateTransfer.loadPaging(vmcb, core.state(), clean);
    }

    private void enterGuest(long budget) {
        long event = vmcb.read64(VmcbLayout.EVENTINJ);
        if (takeHostEvent()) {
            // A physical event pending at VMRUN is taken before the injected event is delivered;
            // EVENTINJ was consumed, so EXITINTINFO hands it back to the hypervisor (§15.7.2, §15.20).
            interruptedSoftwareException = false;
            interruptedInstructionLength = 0;
            if (EventInj.valid(event)) {
                vmcb.write64(VmcbLayout.EVENTINJ, 0);
                vmcb.write64(VmcbLayout.EXITINTINFO, event);
                interruptedInstructionLength = injectedLength(event);
            }
            return;
        }
        if (EventInj.valid(event)) {
            // The injected event is consumed by this VMRUN (§15.20); were its delivery cut short,
            // EXITINTINFO reports it.
            vmcb.write64(VmcbLayout.EVENTINJ, 0);
            core.state().halted = false;
            int length = injectedLength(event);
            if (!deliver(event, length)) {
                recordInterruptedDelivery(length);
                return;
            }
        }
        if (controls.virtualInterrupt(core.interruptible())) {
            recordInterruptedDelivery(0);
            return;
        }
        core.watchBoundaries(controls.watchesBoundaries());
        StopReason stop = budget > 0 ? core.run(budget) : StopReason.BUDGET_EXHAUSTED;
        if (stop == StopReason.BUDGET_EXHAUSTED || !controls.exited()) {
            if (!controls.physicalInterrupt()) {
                throw new IllegalStateException("the INTR intercept is off: the host cannot take the CPU back");
            }
            return;
        }
        recordInterruptedDelivery(core.instructionLength());
    }

    /** The highest-priority pending physical event whose intercept is set, as a #VMEXIT. */
    private boolean takeHostEvent() {
        for (HostEvent candidate : HOST_EVENTS) {
            if ((hostEvents & 1 << candidate.ordinal()) != 0 && controls.hostEvent(candidate)) {
                hostEvents &= ~(1 << candidate.ordinal());
                return true;
            }
        }
        return false;
    }

    /**
     * EXITINTINFO (§15.7.2): when the exit happened while the processor was delivering an event
     * through the IDT (an intercepted exception or a nested page fault on the way), that event is
     * reported so the hypervisor can inject it again.
     */
    private void recordInterruptedDelivery(int instructionLength) {
        interruptedSoftwareException = false;
        interruptedInstructionLength = 0;
        if (!core.exitDuringEventDelivery()) {
            return;
        }
        EventType interrupted = core.interruptedEventType();
        interruptedSoftwareException = interrupted == EventType.SOFTWARE_EXCEPTION
            || interrupted == EventType.PRIVILEGED_SOFTWARE_EXCEPTION;
        interruptedInstructionLength = interrupted == EventType.SOFTWARE_INTERRUPT ? instructionLength : 0;
        int type = switch (core.interruptedEventType()) {
            case EXTERNAL_INTERRUPT -> EventInj.TYPE_INTR;
            case NMI -> EventInj.TYPE_NMI;
            case SOFTWARE_INTERRUPT -> EventInj.TYPE_SOFTWARE_INTERRUPT;
            // INT3, INTO and INT1 are exceptions to SVM (TYPE 3), like faults.
            default -> EventInj.TYPE_EXCEPTION;
        };
        vmcb.write64(VmcbLayout.EXITINTINFO, EventInj.encode(type, core.interruptedEventVector(),
            core.interruptedEventHasErrorCode(), core.interruptedEventErrorCode()));
    }

    /** An injected INTn's length: with NRIPS its return address nRIP lies that far past RIP. */
    private int injectedLength(long event) {
        if (EventInj.type(event) != EventInj.TYPE_SOFTWARE_INTERRUPT || !features.nrips()) {
            return 0;
        }
        return (int) (vmcb.read64(VmcbLayout.NRIP) - core.state().rip);
    }

    private boolean deliver(long event, int softwareInterruptLength) {
        int vector = EventInj.vector(event);
        boolean hasError = EventInj.hasErrorCode(event);
        int error = EventInj.errorCode(event);
        return switch (EventInj.type(event)) {
            case EventInj.TYPE_INTR -> core.deliverEvent(EventType.EXTERNAL_INTERRUPT, vector, false, 0, 0);
            case EventInj.TYPE_NMI -> core.deliverEvent(EventType.NMI, 2, false, 0, 0);
            case EventInj.TYPE_EXCEPTION -> core.deliverEvent(EventType.HARDWARE_EXCEPTION, vector, hasError, error, 0);
            default -> {
                // INTn: with NRIPS the return address pushed is nRIP (§15.20), so its distance
                // from RIP is the instruction length.
                yield core.deliverEvent(EventType.SOFTWARE_INTERRUPT, vector, false, 0, softwareInterruptLength);
            }
        };
    }

    /**
     * The core caches combined guest + nested translations. They go stale when TLB_CONTROL asks
     * for a flush (§15.16.1), when N_CR3 or the ASID changes (the model's TLBs carry no ASID tag,
     * so a new ASID means a flush, §15.16), or when the monitor changed the guest's paging
     * registers while it was out of the guest. Only areas about to be reloaded (their bit clear
     * in {@code clean}) can bring a change.
     */
    private void flushTlbIfNeeded(int clean) {
        boolean flush = vmcb.read8(VmcbLayout.TLB_CONTROL) != 0;
        long nCr3 = lastNcr3;
        if ((clean & CleanBits.NP) == 0) {
            nCr3 = vmcb.read64(VmcbLayout.N_CR3);
            flush |= nCr3 != lastNcr3;
        }
        long asid = lastAsid;
        if ((clean & CleanBits.ASID) == 0) {
            asid = vmcb.read32(VmcbLayout.GUEST_ASID) & 0xFFFF_FFFFL;
            flush |= asid != lastAsid;
        }
        if ((clean & CleanBits.CRX) == 0) {
            CpuState state = core.state();
            long pagingBits = CR0_PG | CpuState.CR0_WP | CpuState.CR0_PE;
            flush |= state.cr3 != vmcb.read64(VmcbLayout.CR3)
                || (state.cr0 & pagingBits) != (vmcb.read64(VmcbLayout.CR0) & pagingBits)
                || state.cr4 != vmcb.read64(VmcbLayout.CR4)
                || (state.efer | (1L << 12)) != vmcb.read64(VmcbLayout.EFER);
        }
        if (flush) {
            core.flushTlb();
            controls.flushNestedTlb();
            lastNcr3 = nCr3;
            lastAsid = asid;
        }
    }
}
