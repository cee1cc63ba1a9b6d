package dev.hve.api;

/**
 * Backend-neutral guest registers. The sixteen general-purpose registers come first, in the
 * order of their x86 encodings (so {@code Register.values()[n]} is GPR n).
 *
 * <p>Where a register lives differs by vendor (VT-x keeps RSP and RIP in the VMCS, SVM keeps
 * RAX, RSP and RIP in the VMCB); monitor code never sees that split.
 */
public enum Register {
    RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI,
    R8, R9, R10, R11, R12, R13, R14, R15,
    RIP, RFLAGS,
    CR0, CR2, CR3, CR4, CR8,
    DR6, DR7,
    EFER;

    private static final Register[] VALUES = values();

    /** The general-purpose register with x86 encoding {@code index} (0 = RAX ... 15 = R15). */
    public static Register gpr(int index) {
        if (index < 0 || index > 15) {
            throw new IllegalArgumentException("no general-purpose register " + index);
        }
        return VALUES[index];
    }

    public boolean isGeneralPurpose() {
        return ordinal() <= R15.ordinal();
    }
}
