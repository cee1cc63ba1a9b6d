package dev.hve.api.extension;

import java.util.Set;

/**
 * Implements model-specific registers the platform does not know, such as a paravirtual MSR. The
 * platform intercepts exactly the MSRs its providers declare, so every other MSR keeps running
 * at full speed in the guest.
 */
public interface MsrProvider {

    /** The MSR numbers this provider implements. */
    Set<Integer> msrs();

    long read(int msr);

    /**
     * Writes {@code value}; return {@code false} to reject it, which raises #GP(0) in the guest as
     * a write of a reserved value would.
     */
    boolean write(int msr, long value);
}
