package dev.hve.platform;

import dev.hve.api.VendorRecord;
import dev.hve.api.VmExit;
import dev.hve.api.Vcpu;

/** Watches a run: every exit after it was handled, and periodic progress. Used by traces and statistics. */
public interface ExitObserver {

    /**
     * Called after each exit was handled and before the vCPU runs again, so that
     * {@link Vcpu#lastExitRecord()} still describes this exit.
     *
     * @param sequence  the exit's number in the run, from 0
     * @param rip       the guest RIP at the exit (the exiting instruction)
     * @param portValue for port input, the value the device returned; otherwise the exit's value
     * @param handlingNanos time spent handling the exit in the platform
     */
    void exitHandled(long sequence, Vcpu vcpu, long rip, VmExit exit, long portValue, long handlingNanos);

    /**
     * Whether this observer wants {@link #internalExit} calls. Seeing them makes the backends
     * build a vendor record per internal exit, so only tracing observers should say yes.
     */
    default boolean wantsInternalExits() {
        return false;
    }

    /**
     * An exit the backend carried out itself (see {@link dev.hve.api.InternalExitListener}); it
     * has no common kind and no sequence number.
     */
    default void internalExit(Vcpu vcpu, long rip, VendorRecord record) {
    }

    /** Called about once a second of wall time with the instructions retired so far. */
    default void progress(long retiredInstructions, long elapsedNanos) {
    }
}
