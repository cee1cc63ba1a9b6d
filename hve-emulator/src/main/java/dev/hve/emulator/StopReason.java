package dev.hve.emulator;

/** Why {@link X86Core#run(long)} returned. */
public enum StopReason {
    /** A {@link dev.hve.emulator.control.GuestControls} hook took the guest out of guest mode. */
    EXIT,
    /** The instruction budget ran out (virtual time advanced by that much). */
    BUDGET_EXHAUSTED
}
