package dev.hve.emulator.control;

/** The two vendors' hypercall instructions. */
public enum HypercallInstruction {
    /** Intel's {@code VMCALL}, 0F 01 C1. */
    VMCALL,
    /** AMD's {@code VMMCALL}, 0F 01 D9. */
    VMMCALL
}
