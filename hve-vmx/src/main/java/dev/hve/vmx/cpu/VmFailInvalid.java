package dev.hve.vmx.cpu;

/**
 * A VMX instruction ended in VMfailInvalid (RFLAGS.CF set): there is no current VMCS to hold an
 * error number (Intel SDM Vol. 3C §31.2).
 */
public final class VmFailInvalid extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public VmFailInvalid(String instruction) {
        super(instruction + ": VMfailInvalid (no current VMCS)", null, false, false);
    }
}
