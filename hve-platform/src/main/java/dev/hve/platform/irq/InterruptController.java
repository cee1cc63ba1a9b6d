package dev.hve.platform.irq;

/**
 * What the machine loop asks each iteration, per vCPU, to feed the common injection API:
 * <pre>
 *   if (irq.nmiPending(i) &amp;&amp; ...)       { vcpu.inject(new Event.Nmi()); irq.acknowledgeNmi(i); }
 *   int vector = irq.pendingVector(i);
 *   if (vector &gt;= 0) {
 *       if (vcpu.interruptible()) { vcpu.inject(new Event.ExternalInterrupt(vector)); irq.acknowledge(i, vector); }
 *       else                        vcpu.requestInterruptWindow(true);
 *   }
 * </pre>
 * A vector comes from the vCPU's local APIC (IOAPIC messages, IPIs, its timer) or, when LINT0
 * lets it through, from the 8259 pair's INTA cycle. {@link #acknowledge} must follow
 * {@link #pendingVector} with nothing in between that touches the controllers.
 */
public final class InterruptController {

    private final PicPair pic;
    private final LocalApic[] apics;

    public InterruptController(PicPair pic, LocalApic[] apics) {
        this.pic = pic;
        this.apics = apics.clone();
    }

    /** The vector to inject into vCPU {@code vcpu} now, or -1. */
    public int pendingVector(int vcpu) {
        LocalApic apic = apics[vcpu];
        int vector = apic.pendingVector();
        if (vector >= 0) {
            return vector;
        }
        if (apic.acceptsExtInt() && pic.interruptRequested()) {
            return pic.peekVector();
        }
        return -1;
    }

    /** The vCPU is taking {@code vector} (as returned by {@link #pendingVector}): IRR to ISR, or the PIC's INTA. */
    public void acknowledge(int vcpu, int vector) {
        LocalApic apic = apics[vcpu];
        if (apic.pendingVector() == vector) {
            apic.acknowledge(vector);
            return;
        }
        if (apic.acceptsExtInt() && pic.interruptRequested()) {
            pic.acknowledge();
            return;
        }
        throw new IllegalStateException("vector " + vector + " is not pending on vCPU " + vcpu);
    }

    public boolean nmiPending(int vcpu) {
        return apics[vcpu].nmiPending();
    }

    public void acknowledgeNmi(int vcpu) {
        apics[vcpu].acknowledgeNmi();
    }

    /** Whether anything would end a HLT on {@code vcpu}: an interrupt, an NMI, or INIT/SIPI. */
    public boolean wakeupPending(int vcpu) {
        LocalApic apic = apics[vcpu];
        return pendingVector(vcpu) >= 0 || apic.nmiPending() || apic.initOrStartupPending();
    }

    public LocalApic localApic(int vcpu) {
        return apics[vcpu];
    }

    public PicPair pic() {
        return pic;
    }
}
