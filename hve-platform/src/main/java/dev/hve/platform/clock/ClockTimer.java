package dev.hve.platform.clock;

/**
 * One timer of a {@link VirtualClock}: a deadline in clock nanoseconds and the action to run when
 * time reaches it. Devices make their timers once and re-arm them, so arming allocates nothing.
 */
public final class ClockTimer {

    /** What a timer does when it expires; {@code now} is the deadline it was armed for. */
    @FunctionalInterface
    public interface Action {
        void expired(long now);
    }

    private final VirtualClock clock;
    private final String name;
    private final Action action;
    long deadline = VirtualClock.NEVER;

    ClockTimer(VirtualClock clock, String name, Action action) {
        this.clock = clock;
        this.name = name;
        this.action = action;
    }

    public String name() {
        return name;
    }

    /** Arms the timer for {@code when} (clock nanoseconds), replacing any earlier deadline. */
    public void arm(long when) {
        deadline = when;
        clock.timersChanged();
    }

    public void cancel() {
        if (deadline != VirtualClock.NEVER) {
            deadline = VirtualClock.NEVER;
            clock.timersChanged();
        }
    }

    public boolean armed() {
        return deadline != VirtualClock.NEVER;
    }

    /** The armed deadline, or {@link VirtualClock#NEVER}. */
    public long deadline() {
        return deadline;
    }

    void fire(long now) {
        action.expired(now);
    }

    @Override
    public String toString() {
        return name + (armed() ? "@" + deadline : "(idle)");
    }
}
