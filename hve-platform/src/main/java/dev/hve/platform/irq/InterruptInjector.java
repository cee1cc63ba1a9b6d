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

    /** The event for an external vector: any vector, including the BIOS-style 8-15 of real mode. */
    static Event eventFor(int vector) {
        return new Event.ExternalInterrupt(vector);
    }
}
