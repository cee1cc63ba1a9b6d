package dev.hve.api.extension;

/** Implements model-specific registers the platform does not know, such as a paravirtual MSR. */
public interface MsrProvider {

    boolean handles(int msr);

    long read(int msr);

    /**
     * Writes {@code value}; return {@code false} to reject it, which raises #GP(0) in the guest as
     * a write of a reserved value would.
     */
    boolean write(int msr, long value);
}
