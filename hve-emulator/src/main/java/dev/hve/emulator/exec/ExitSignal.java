package dev.hve.emulator.exec;

/**
 * Unwinds the interpreter when a {@link dev.hve.emulator.control.GuestControls} hook has taken the
 * guest out of guest mode in the middle of an instruction (for example a nested page fault on a
 * data access). It carries no data, so one stateless instance serves every core.
 */
public final class ExitSignal extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public static final ExitSignal INSTANCE = new ExitSignal();

    private ExitSignal() {
        super("guest left guest mode", null, false, false);
    }

    /** Leaves the instruction when a hook answered that the guest left guest mode. */
    static void exitIf(boolean exited) {
        if (exited) {
            throw INSTANCE;
        }
    }
}
