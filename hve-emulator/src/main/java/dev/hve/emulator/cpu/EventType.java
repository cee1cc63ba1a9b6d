package dev.hve.emulator.cpu;

/**
 * How an injected event is delivered. The distinctions matter for privilege checks on the IDT
 * gate, for whether an error code is pushed, and for the RIP saved on the stack (Intel SDM
 * Vol. 3A §6.12, AMD APM Vol. 2 §15.20).
 */
public enum EventType {
    EXTERNAL_INTERRUPT,
    NMI,
    HARDWARE_EXCEPTION,
    /** INT n: the gate's DPL is checked and the saved RIP follows the instruction. */
    SOFTWARE_INTERRUPT,
    /** INT1 (ICEBP). */
    PRIVILEGED_SOFTWARE_EXCEPTION,
    /** INT3 or INTO. */
    SOFTWARE_EXCEPTION
}
