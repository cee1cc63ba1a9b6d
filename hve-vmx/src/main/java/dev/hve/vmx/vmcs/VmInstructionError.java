package dev.hve.vmx.vmcs;

/**
 * VM-instruction error numbers, as VMfailValid stores them in the VM-instruction error field
 * (Intel SDM Vol. 3C §31.4, "VM Instruction Error Numbers", Table 31-1).
 */
public final class VmInstructionError {

    public static final int VMCALL_IN_VMX_ROOT = 1;
    public static final int VMCLEAR_INVALID_ADDRESS = 2;
    public static final int VMCLEAR_VMXON_POINTER = 3;
    public static final int VMLAUNCH_NONCLEAR_VMCS = 4;
    public static final int VMRESUME_NONLAUNCHED_VMCS = 5;
    public static final int VMRESUME_AFTER_VMXOFF = 6;
    public static final int ENTRY_INVALID_CONTROL_FIELD = 7;
    public static final int ENTRY_INVALID_HOST_STATE_FIELD = 8;
    public static final int VMPTRLD_INVALID_ADDRESS = 9;
    public static final int VMPTRLD_VMXON_POINTER = 10;
    public static final int VMPTRLD_INCORRECT_REVISION_ID = 11;
    public static final int UNSUPPORTED_VMCS_COMPONENT = 12;
    public static final int VMWRITE_READ_ONLY_COMPONENT = 13;
    public static final int VMXON_IN_VMX_ROOT = 15;
    public static final int ENTRY_INVALID_EXECUTIVE_VMCS_POINTER = 16;
    public static final int ENTRY_NONLAUNCHED_EXECUTIVE_VMCS = 17;
    public static final int ENTRY_EXECUTIVE_VMCS_NOT_VMXON = 18;
    public static final int VMCALL_NONCLEAR_VMCS = 19;
    public static final int VMCALL_INVALID_EXIT_CONTROLS = 20;
    public static final int VMCALL_INCORRECT_MSEG_REVISION = 22;
    public static final int VMXOFF_DUAL_MONITOR = 23;
    public static final int VMCALL_INVALID_SMM_FEATURES = 24;
    public static final int ENTRY_INVALID_EXECUTIVE_CONTROLS = 25;
    public static final int ENTRY_EVENTS_BLOCKED_BY_MOV_SS = 26;
    public static final int INVALID_INVEPT_INVVPID_OPERAND = 28;

    private VmInstructionError() {
    }

    /** Table 31-1's description of {@code error}. */
    public static String describe(int error) {
        return switch (error) {
            case VMCALL_IN_VMX_ROOT -> "VMCALL executed in VMX root operation";
            case VMCLEAR_INVALID_ADDRESS -> "VMCLEAR with invalid physical address";
            case VMCLEAR_VMXON_POINTER -> "VMCLEAR with VMXON pointer";
            case VMLAUNCH_NONCLEAR_VMCS -> "VMLAUNCH with non-clear VMCS";
            case VMRESUME_NONLAUNCHED_VMCS -> "VMRESUME with non-launched VMCS";
            case VMRESUME_AFTER_VMXOFF -> "VMRESUME after VMXOFF";
            case ENTRY_INVALID_CONTROL_FIELD -> "VM entry with invalid control field(s)";
            case ENTRY_INVALID_HOST_STATE_FIELD -> "VM entry with invalid host-state field(s)";
            case VMPTRLD_INVALID_ADDRESS -> "VMPTRLD with invalid physical address";
            case VMPTRLD_VMXON_POINTER -> "VMPTRLD with VMXON pointer";
            case VMPTRLD_INCORRECT_REVISION_ID -> "VMPTRLD with incorrect VMCS revision identifier";
            case UNSUPPORTED_VMCS_COMPONENT -> "VMREAD/VMWRITE from/to unsupported VMCS component";
            case VMWRITE_READ_ONLY_COMPONENT -> "VMWRITE to read-only VMCS component";
            case VMXON_IN_VMX_ROOT -> "VMXON executed in VMX root operation";
            case ENTRY_INVALID_EXECUTIVE_VMCS_POINTER -> "VM entry with invalid executive-VMCS pointer";
            case ENTRY_NONLAUNCHED_EXECUTIVE_VMCS -> "VM entry with non-launched executive VMCS";
            case ENTRY_EXECUTIVE_VMCS_NOT_VMXON -> "VM entry with executive-VMCS pointer not VMXON pointer";
            case VMCALL_NONCLEAR_VMCS -> "VMCALL with non-clear VMCS";
            case VMCALL_INVALID_EXIT_CONTROLS -> "VMCALL with invalid VM-exit control fields";
            case VMCALL_INCORRECT_MSEG_REVISION -> "VMCALL with incorrect MSEG revision identifier";
            case VMXOFF_DUAL_MONITOR -> "VMXOFF under dual-monitor treatment of SMIs and SMM";
            case VMCALL_INVALID_SMM_FEATURES -> "VMCALL with invalid SMM-monitor features";
            case ENTRY_INVALID_EXECUTIVE_CONTROLS -> "VM entry with invalid VM-execution control fields in executive VMCS";
            case ENTRY_EVENTS_BLOCKED_BY_MOV_SS -> "VM entry with events blocked by MOV SS";
            case INVALID_INVEPT_INVVPID_OPERAND -> "Invalid operand to INVEPT/INVVPID";
            default -> "VM-instruction error " + error;
        };
    }
}
