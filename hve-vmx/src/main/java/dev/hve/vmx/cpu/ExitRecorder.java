package dev.hve.vmx.cpu;

import dev.hve.vmx.vmcs.Vmcs;
import dev.hve.vmx.vmcs.VmcsField;

/**
 * Writes the VM-exit information fields as the processor does when a VM exit begins (Intel SDM
 * Vol. 3C §28.2, "Recording VM-Exit Information and Updating VM-Entry Control Fields"). Fields
 * the SDM leaves undefined for an exit are written as zero, so that records are deterministic.
 */
final class ExitRecorder {

    private Vmcs vmcs;
    private boolean recorded;

    void attach(Vmcs vmcs) {
        this.vmcs = vmcs;
        this.recorded = false;
    }

    /** True once an exit has been recorded since {@link #attach}. */
    boolean recorded() {
        return recorded;
    }

    /** Starts the record of an exit with basic reason {@code reason} (§28.2.1). */
    void begin(int exitReasonField) {
        vmcs.write(VmcsField.VM_EXIT_REASON, exitReasonField & 0xFFFF_FFFFL);
        vmcs.write(VmcsField.EXIT_QUALIFICATION, 0);
        vmcs.write(VmcsField.VM_EXIT_INSTRUCTION_LEN, 0);
        vmcs.write(VmcsField.VMX_INSTRUCTION_INFO, 0);
        vmcs.write(VmcsField.VM_EXIT_INTR_INFO, 0);
        vmcs.write(VmcsField.VM_EXIT_INTR_ERROR_CODE, 0);
        vmcs.write(VmcsField.GUEST_LINEAR_ADDRESS, 0);
        vmcs.write(VmcsField.GUEST_PHYSICAL_ADDRESS, 0);
        vmcs.write(VmcsField.IDT_VECTORING_INFO_FIELD, 0);
        vmcs.write(VmcsField.IDT_VECTORING_ERROR_CODE, 0);
        recorded = true;
    }

    /** An exit due to an instruction: §28.2.4 defines the instruction-length field for it. */
    void instruction(int exitReason, long qualification, int length) {
        begin(exitReason);
        vmcs.write(VmcsField.EXIT_QUALIFICATION, qualification);
        vmcs.write(VmcsField.VM_EXIT_INSTRUCTION_LEN, length);
    }

    void set(VmcsField field, long value) {
        vmcs.write(field, value);
    }
}
