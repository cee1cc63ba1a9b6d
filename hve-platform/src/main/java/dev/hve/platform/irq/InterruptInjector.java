package dev.hve.platform.irq;

import dev.hve.api.Event;
import dev.hve.api.Vcpu;

/**
 * Moves what the interrupt controllers have for one vCPU into the common injection API, once per
 * loop iteration before the vCPU runs: an NMI first, then the highest maskable vector if the
 * guest can take it now, otherwise an interrupt-window request so the backend comes back as soon
 * as it can (VT-x: interrupt-window exiting; SVM: V_IRQ with the VINTR intercept).
 *
 * <p>The vector is acknowledged (IRR to ISR, or the 8259's INTA) when it is injected, as the
 * processor's INTA cycle would at delivery.
 */
public final class InterruptInjector {

    private final InterruptController controller;

    public InterruptInjector(InterruptController controller) {
        this.controller = controller;
    }

    /** Returns true if an event was injected. */
    public boolean deliver(Vcpu vcpu) {
        int index = vcpu.index();
        if (controller.nmiPending(index)) {
            controller.acknowledgeNmi(index);
            vcpu.inject(new Event.Nmi());
            return true;
        }
        int vector = controller.pendingVector(index);
        if (vector < 0) {
            vcpu.requestInterruptWindow(false);
            return false;
        }
        if (!vcpu.interruptible()) {
            vcpu.requestInterruptWindow(true);
            return false;
        }
        controller.acknowledge(index, vector);
        vcpu.requestInterruptWindow(false);
        vcpu.inject(eventFor(vector));
        return true;
    }

    /**
     * The event for an external vector. A real-mode guest may program the 8259 with the BIOS's
     * base 8, giving vectors below 16 that {@link Event.ExternalInterrupt} refuses; in real mode
     * an interrupt through the IVT is the same whether hardware or INT n raised it, so those are
     * injected as a software interrupt of length 0 (nothing to skip).
     */
    static Event eventFor(int vector) {
        return vector >= 16 ? new Event.ExternalInterrupt(vector) : new Event.SoftwareInterrupt(vector, 0);
    }
}
