package dev.hve.svm.vmcb;

/**
 * Bits of the virtual-interrupt quadword at VMCB offset 0x060 (AMD APM Vol. 2, Table B-1, and
 * §15.21.1 "Virtual Interrupt Intercept" / §15.21.4 "Injecting Virtual (INTR) Interrupts").
 */
public final class VintrControl {

    private VintrControl() {
    }

    public static final int V_TPR_SHIFT = 0;
    public static final long V_TPR_MASK = 0xFFL;
    public static final int V_IRQ_SHIFT = 8;
    public static final long V_IRQ = 1L << V_IRQ_SHIFT;
    public static final int V_INTR_PRIO_SHIFT = 16;
    public static final long V_INTR_PRIO_MASK = 0xFL << V_INTR_PRIO_SHIFT;
    public static final int V_IGN_TPR_SHIFT = 20;
    public static final long V_IGN_TPR = 1L << V_IGN_TPR_SHIFT;
    /**
     * V_INTR_MASKING: the guest's RFLAGS.IF and CR8 govern only virtual interrupts; the host's
     * IF keeps governing physical ones. With it set, guest CR8 accesses read and write V_TPR.
     */
    public static final int V_INTR_MASKING_SHIFT = 24;
    public static final long V_INTR_MASKING = 1L << V_INTR_MASKING_SHIFT;
    public static final int V_INTR_VECTOR_SHIFT = 32;
    public static final long V_INTR_VECTOR_MASK = 0xFFL << V_INTR_VECTOR_SHIFT;

    /** INTERRUPT_SHADOW bit of the quadword at 0x068. */
    public static final long INTERRUPT_SHADOW = 1L;
}
