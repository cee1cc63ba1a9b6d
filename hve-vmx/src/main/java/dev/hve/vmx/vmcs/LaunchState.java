package dev.hve.vmx.vmcs;

/** The launch state of a VMCS (Intel SDM Vol. 3C §25.1, "Overview"): VMCLEAR makes it clear, VMLAUNCH launched. */
public enum LaunchState {
    CLEAR,
    LAUNCHED
}
