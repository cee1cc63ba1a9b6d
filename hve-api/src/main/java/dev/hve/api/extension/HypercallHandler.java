package dev.hve.api.extension;

/**
 * Handles hypercalls: VMCALL on VT-x, VMMCALL on SVM, which the monitor sees as one common
 * hypercall exit. The register ABI is KVM's: the call number in RAX, up to four arguments in
 * RBX, RCX, RDX and RSI, and the result returned in RAX.
 */
public interface HypercallHandler {

    /** Whether this handler implements call {@code number}. */
    boolean handles(long number);

    /**
     * Carries out call {@code number}.
     *
     * @param guest access to guest memory for calls that pass buffers
     * @return the value for RAX
     */
    long call(long number, long arg0, long arg1, long arg2, long arg3, dev.hve.api.GuestMemory guest);
}
