package dev.hve.svm;

import dev.hve.svm.event.EventInj;
import dev.hve.svm.exit.SvmExitCode;
import dev.hve.svm.intercept.InterceptBits;
import dev.hve.svm.vmcb.VintrControl;
import dev.hve.svm.vmcb.Vmcb;
import dev.hve.svm.vmcb.VmcbLayout;
import dev.hve.svm.vmcb.VmcbWriter;

/**
 * The hypervisor's own record of the guest's NMI masking. SVM (without the later vNMI extension)
 * has no NMI-window control and keeps no NMI-blocking state in the VMCB: EVENTINJ delivers an NMI
 * whatever the guest is doing (APM Vol. 2 §15.20). A hypervisor therefore tracks it in software,
 * as KVM does with {@code HF_NMI_MASK}:
 * <ul>
 *   <li>after injecting an NMI, NMIs stay masked until the handler's IRET completes; the IRET
 *       intercept (§15.9) reports that IRET, which is then let through and run alone, after which
 *       NMIs are unmasked;</li>
 *   <li>an NMI must not be taken inside an interrupt shadow (VMCB INTERRUPT_SHADOW, offset 0x068
 *       bit 0, §15.21.5), so it waits while the shadowed instruction runs alone.</li>
 * </ul>
 * "Run alone" is one instruction of budget, which ends in #VMEXIT(INTR) as the host's timer
 * would. This gives the NMI the same delivery point as VT-x's NMI-window exit (Intel SDM Vol. 3C
 * §26.7.6), which the VMX backend uses, so both backends deliver NMIs identically.
 */
final class NmiMasking {

    private static final long NMI = EventInj.encode(EventInj.TYPE_NMI, 2, false, 0);

    private final Vmcb vmcb;
    private final VmcbWriter writer;
    /** The monitor injected an NMI that could not be delivered yet. */
    private boolean pending;
    /** The guest runs the handler of an NMI this backend injected. */
    private boolean masked;
    /** The intercepted IRET of that handler is let through in the next, one-instruction run. */
    private boolean unmasking;

    NmiMasking(VmcbWriter writer) {
        this.vmcb = writer.vmcb();
        this.writer = writer;
    }

    /** The monitor injects an NMI: into EVENTINJ when nothing blocks it, else held. */
    void inject(boolean eventSlotFree) {
        pending = true;
        deliverIfUnblocked(eventSlotFree);
    }

    /** An NMI is held back, so the guest is not ready for other events either. */
    boolean pending() {
        return pending;
    }

    /**
     * Before VMRUN: places a held NMI that nothing blocks any longer in EVENTINJ, and sets the IRET
     * intercept while NMIs are masked.
     *
     * @return true when the next run must be a single instruction (the handler's IRET, or the
     *         instruction in the shadow), after which a held NMI can be delivered
     */
    boolean beforeVmrun(boolean eventSlotFree) {
        deliverIfUnblocked(eventSlotFree);
        writer.setBit(VmcbLayout.INTERCEPT_VECTOR3, InterceptBits.IRET, masked);
        return unmasking || (pending && !masked && inShadow());
    }

    /**
     * After the run: the IRET that was let through completed when the run retired it and ended at
     * its budget (#VMEXIT(INTR) after one instruction). Any other exit (a nested page fault on its stack
     * reads, an intercepted #GP) means it did not, and NMIs stay masked; its intercept fires
     * again when it is retried.
     */
    void afterVmrun(long exitCode, boolean retired) {
        if (unmasking && retired && exitCode == SvmExitCode.VMEXIT_INTR) {
            masked = false;
        }
        unmasking = false;
    }

    /**
     * #VMEXIT(IRET) while NMIs are masked: the handler returns. With no NMI waiting, unmasking
     * can happen at once (the IRET is the next thing the guest does); with one, the IRET runs
     * alone first, so the NMI is taken on the instruction boundary right after it.
     */
    void iretIntercepted() {
        if (pending) {
            unmasking = true;
        } else {
            masked = false;
        }
    }

    private void deliverIfUnblocked(boolean eventSlotFree) {
        if (pending && !masked && !inShadow() && eventSlotFree) {
            writer.write64(VmcbLayout.EVENTINJ, NMI);
            pending = false;
            masked = true;
        }
    }

    private boolean inShadow() {
        return (vmcb.read64(VmcbLayout.INTERRUPT_SHADOW) & VintrControl.INTERRUPT_SHADOW) != 0;
    }
}
