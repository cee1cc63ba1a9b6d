package dev.hve.api;

/** The kind of a {@link VmExit}, used as a stable name in traces and statistics. */
public enum ExitKind {
    PORT_IO("port-io"),
    CPUID("cpuid"),
    HLT("hlt"),
    MMIO("mmio"),
    MSR("msr"),
    HYPERCALL("hypercall"),
    EXCEPTION("exception"),
    INTERRUPT_WINDOW("interrupt-window"),
    PREEMPTED("preempted"),
    SHUTDOWN("shutdown"),
    ENTRY_FAILURE("entry-failure");

    private final String label;

    ExitKind(String label) {
        this.label = label;
    }

    /** The name used in traces: lower case with hyphens. */
    public String label() {
        return label;
    }
}
