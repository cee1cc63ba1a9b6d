package dev.hve.platform.clock;

import java.util.ArrayList;
import java.util.List;

/**
 * The platform's one time base. The PIT, the RTC, every local APIC timer and the TSC read it, so
 * they can never drift apart: a guest that calibrates its TSC against PIT channel 2 always gets a
 * consistent answer.
 *
 * <p>Two sources of time:
 * <ul>
 *   <li>{@link #instructionDriven()} (the default): time moves only when the machine loop calls
 *       {@link #advance(long)} with the guest instructions it has retired, at the nominal rate of
 *       {@link #NANOS_PER_INSTRUCTION} ns per instruction (a 1 GHz guest). The same guest with the
 *       same input then sees the same times on every run and on both backends.
 *   <li>{@link #hostDriven()}: time is the host's monotonic clock since creation, for interactive
 *       use. {@link #advance(long)} is then a no-op and the loop calls {@link #poll()} instead.
 * </ul>
 *
 * <p>Timers fire inside {@link #advance(long)} / {@link #poll()}, in deadline order, each seeing
 * {@link #now()} equal to its own deadline, so device outputs change at exactly the programmed
 * instants. Not thread-safe: the clock and the devices belong to the thread that runs the vCPUs.
 */
public final class VirtualClock {

    public static final long NEVER = Long.MAX_VALUE;
    public static final long NANOS_PER_SECOND = 1_000_000_000L;
    /** Guest time per retired instruction in instruction-driven mode: a nominal 1 GHz guest. */
    public static final long NANOS_PER_INSTRUCTION = 1;
    /**
     * The guest's TSC rate. Equal to the nominal instruction rate, so the core's own
     * retired-instruction counter and this clock's {@link #tsc()} agree on a single vCPU.
     */
    public static final long TSC_HZ = 1_000_000_000L;

    /** A device bug guard: a timer that re-arms for the same instant forever would hang the loop. */
    private static final int MAX_FIRES_PER_INSTANT = 100_000;

    private final boolean hostTime;
    private final long hostOrigin;
    private final List<ClockTimer> timers = new ArrayList<>();
    /** The earliest armed timer, valid while {@link #earliestKnown}; devices re-arm far less often than exits read it. */
    private ClockTimer earliest;
    private boolean earliestKnown;
    private long now;

    private VirtualClock(boolean hostTime) {
        this.hostTime = hostTime;
        this.hostOrigin = System.nanoTime();
    }

    /** Deterministic time from retired guest instructions (see the class comment). */
    public static VirtualClock instructionDriven() {
        return new VirtualClock(false);
    }

    /** Host monotonic time, for interactive runs; not reproducible. */
    public static VirtualClock hostDriven() {
        return new VirtualClock(true);
    }

    public boolean isHostDriven() {
        return hostTime;
    }

    /** Makes a timer; it starts disarmed. */
    public ClockTimer newTimer(String name, ClockTimer.Action action) {
        ClockTimer timer = new ClockTimer(this, name, action);
        timers.add(timer);
        return timer;
    }

    /** Guest time in nanoseconds since the machine was created. */
    public long now() {
        if (hostTime) {
            long host = System.nanoTime() - hostOrigin;
            // Never let host time run behind a timer that is being delivered right now.
            return Math.max(host, now);
        }
        return now;
    }

    /** The guest TSC, derived from {@link #now()} at {@link #TSC_HZ}. */
    public long tsc() {
        return scale(now(), TSC_HZ);
    }

    /** The clock time (nanoseconds) at which the TSC reaches {@code tsc}. */
    public static long tscToNanos(long tsc) {
        return nanosForTicks(tsc, TSC_HZ);
    }

    /** Guest instructions retired: moves time by {@code instructions * NANOS_PER_INSTRUCTION}. */
    public void advanceInstructions(long instructions) {
        advance(instructions * NANOS_PER_INSTRUCTION);
    }

    /**
     * Moves instruction-driven time forward by {@code nanos}, firing the timers that come due on
     * the way. Ignored in host mode, where time moves by itself (timers still fire).
     */
    public void advance(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("time cannot run backwards: " + nanos);
        }
        if (hostTime) {
            poll();
            return;
        }
        advanceTo(now + nanos);
    }

    /** Moves instruction-driven time to {@code target} (if later), firing timers on the way. */
    public void advanceTo(long target) {
        if (hostTime) {
            poll();
            return;
        }
        int firesAtThisInstant = 0;
        while (true) {
            ClockTimer next = earliest();
            if (next == null || next.deadline > target) {
                break;
            }
            firesAtThisInstant = next.deadline > now ? 0 : firesAtThisInstant + 1;
            if (firesAtThisInstant > MAX_FIRES_PER_INSTANT) {
                throw new IllegalStateException("timer " + next.name() + " keeps re-arming at " + now);
            }
            now = Math.max(now, next.deadline);
            next.cancel();
            next.fire(now);
        }
        now = Math.max(now, target);
    }

    /** Fires the timers whose deadlines have passed; the host-mode counterpart of {@link #advance}. */
    public void poll() {
        if (!hostTime) {
            advanceTo(now);
            return;
        }
        long host = now();
        while (true) {
            ClockTimer next = earliest();
            if (next == null || next.deadline > host) {
                break;
            }
            now = Math.max(now, next.deadline);
            next.cancel();
            next.fire(now);
        }
        now = Math.max(now, host);
    }

    /** The earliest armed deadline, or {@link #NEVER}: the loop bounds a vCPU's run budget by it. */
    public long nextDeadline() {
        ClockTimer next = earliest();
        return next == null ? NEVER : next.deadline;
    }

    /** Nanoseconds from now to the next deadline (0 if overdue), or {@link #NEVER}. */
    public long nanosUntilNextDeadline() {
        long deadline = nextDeadline();
        return deadline == NEVER ? NEVER : Math.max(0, deadline - now());
    }

    /**
     * For a HLT with interrupts enabled: jumps instruction-driven time straight to the next
     * deadline and fires it. Returns false when no timer is armed (nothing will ever wake the
     * guest from the clock). In host mode only fires what is already due.
     */
    public boolean fastForwardToNextDeadline() {
        long deadline = nextDeadline();
        if (deadline == NEVER) {
            return false;
        }
        if (hostTime) {
            poll();
        } else {
            advanceTo(deadline);
        }
        return true;
    }

    void timersChanged() {
        earliestKnown = false;
    }

    private ClockTimer earliest() {
        if (earliestKnown) {
            return earliest;
        }
        ClockTimer best = null;
        for (int i = 0; i < timers.size(); i++) {
            ClockTimer timer = timers.get(i);
            if (timer.deadline != NEVER && (best == null || timer.deadline < best.deadline)) {
                best = timer;
            }
        }
        earliest = best;
        earliestKnown = true;
        return best;
    }

    /** {@code nanos} converted to ticks of an {@code hz} clock, rounded down, without overflow. */
    public static long scale(long nanos, long hz) {
        return (nanos / NANOS_PER_SECOND) * hz + (nanos % NANOS_PER_SECOND) * hz / NANOS_PER_SECOND;
    }

    /** The first clock time (nanoseconds) at which an {@code hz} tick counter has reached {@code ticks}. */
    public static long nanosForTicks(long ticks, long hz) {
        long whole = ticks / hz;
        long rest = ticks % hz;
        return whole * NANOS_PER_SECOND + (rest * NANOS_PER_SECOND + hz - 1) / hz;
    }
}
