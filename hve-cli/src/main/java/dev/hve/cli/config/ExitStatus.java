package dev.hve.cli.config;

/**
 * The runner's process exit statuses. A guest's debug-exit value {@code v} gives
 * {@code (v << 1) | 1}, always odd, so the runner's own statuses are even and never collide.
 */
public final class ExitStatus {

    /** The guest requested a reset or shut down cleanly. */
    public static final int CLEAN = 0;
    /** Bad command line, missing or malformed file. */
    public static final int USAGE = 2;
    /** The guest triple-faulted. */
    public static final int TRIPLE_FAULT = 4;
    /** VM entry failed: invalid guest state or a failed VMRUN consistency check. */
    public static final int ENTRY_FAILURE = 6;
    /** An exit the platform does not handle. */
    public static final int UNHANDLED_EXIT = 8;
    /** {@code --max-instructions} was reached. */
    public static final int INSTRUCTION_LIMIT = 10;
    /** {@code --timeout} was reached. */
    public static final int TIMEOUT = 12;
    /** The guest halted with nothing that could wake it. */
    public static final int HALTED = 14;
    /** A defect in HVE itself. */
    public static final int INTERNAL_ERROR = 70;

    private ExitStatus() {
    }
}
