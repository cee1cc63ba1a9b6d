package dev.hve.vmx.vmcs;

/**
 * A VMX instruction ended in VMfailValid: RFLAGS.ZF set and the error number stored in the
 * VM-instruction error field of the current VMCS (Intel SDM Vol. 3C §31.2, "Conventions").
 */
public final class VmFailValid extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int error;

    public VmFailValid(int error) {
        super(VmInstructionError.describe(error) + " (VM-instruction error " + error + ")", null, false, false);
        this.error = error;
    }

    public int error() {
        return error;
    }
}
