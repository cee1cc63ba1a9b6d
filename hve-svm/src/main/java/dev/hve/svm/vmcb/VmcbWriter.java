package dev.hve.svm.vmcb;

/**
 * The hypervisor's writes to a VMCB between #VMEXIT and the next VMRUN. Each write clears the
 * clean bit of the area it lands in ({@link CleanBits#covering}), as the APM requires of a
 * hypervisor that uses clean bits (Vol. 2 §15.15.3): a bit left set would let VMRUN keep its
 * cached copy and the guest would run on with the old value. The processor's own writes (the
 * #VMEXIT record and state save) go to the {@link Vmcb} directly: hardware never changes the
 * clean field.
 */
public final class VmcbWriter {

    private final Vmcb vmcb;

    public VmcbWriter(Vmcb vmcb) {
        this.vmcb = vmcb;
    }

    /** The VMCB, for reads. */
    public Vmcb vmcb() {
        return vmcb;
    }

    public void write64(int offset, long value) {
        vmcb.write64(offset, value);
        dirty(offset, 8);
    }

    public void write32(int offset, int value) {
        vmcb.write32(offset, value);
        dirty(offset, 4);
    }

    public void write16(int offset, int value) {
        vmcb.write16(offset, value);
        dirty(offset, 2);
    }

    public void write8(int offset, int value) {
        vmcb.write8(offset, value);
        dirty(offset, 1);
    }

    /**
     * Sets or clears one bit of the quadword at {@code offset}. Writing a bit that already has
     * the value changes no byte of the VMCB, so the area stays clean: the backend sets the IRET
     * intercept this way before every VMRUN, and dirtying the intercepts each time would reload
     * them each time.
     */
    public void setBit(int offset, int bit, boolean value) {
        if (vmcb.bit(offset, bit) != value) {
            vmcb.setBit(offset, bit, value);
            dirty(offset, 8);
        }
    }

    /** A whole segment slot of the save area (see {@link Vmcb#setSegment}). */
    public void setSegment(int slot, int selector, int attrib, int limit, long base) {
        vmcb.setSegment(slot, selector, attrib, limit, base);
        dirty(slot, VmcbLayout.SEGMENT_SIZE);
    }

    /**
     * After #VMEXIT the VMCB holds what the processor holds (it just saved its state there, and
     * the controls are as VMRUN read them), so every area may be declared clean, as KVM does after
     * each run; the writes that follow clear their bits again.
     */
    public void markAllClean() {
        vmcb.write32(VmcbLayout.VMCB_CLEAN, CleanBits.ALL);
    }

    /** Every area must be reloaded: a VMCB the processor has not run, or one the caller rewrote wholesale. */
    public void markAllDirty() {
        vmcb.write32(VmcbLayout.VMCB_CLEAN, 0);
    }

    private void dirty(int offset, int size) {
        int bits = CleanBits.covering(offset, size);
        if (bits != 0) {
            vmcb.write32(VmcbLayout.VMCB_CLEAN, vmcb.read32(VmcbLayout.VMCB_CLEAN) & ~bits);
        }
    }
}
