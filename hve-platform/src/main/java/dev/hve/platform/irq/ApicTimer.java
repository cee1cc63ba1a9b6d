package dev.hve.platform.irq;

import dev.hve.platform.clock.ClockTimer;
import dev.hve.platform.clock.VirtualClock;

/**
 * A local APIC's timer (Intel SDM Vol. 3A, "APIC Timer"): initial and current count, the divide
 * configuration register, and the one-shot, periodic and TSC-deadline modes the LVT timer entry
 * selects. The counter is never decremented; the current count is computed from the
 * {@link VirtualClock}, and a clock timer is armed for the next expiry.
 */
final class ApicTimer {

    static final int ONE_SHOT = 0;
    static final int PERIODIC = 1;
    static final int TSC_DEADLINE = 2;

    private final VirtualClock clock;
    private final ClockTimer timer;
    private final Runnable expiry;

    private int mode;
    private int initialCount;
    private int divideConfig;
    /** Clock time at which the count was (or, after a divide change, would have been) at the initial count. */
    private long start;
    private boolean running;
    private long tscDeadline;

    /** @param expiry what the APIC does when the timer expires: deliver per the LVT timer entry */
    ApicTimer(VirtualClock clock, String name, Runnable expiry) {
        this.clock = clock;
        this.expiry = expiry;
        this.timer = clock.newTimer(name, now -> expired(now));
    }

    void reset() {
        mode = ONE_SHOT;
        initialCount = 0;
        divideConfig = 0;
        running = false;
        tscDeadline = 0;
        timer.cancel();
    }

    /**
     * The LVT timer mode bits changed. Moving into or out of TSC-deadline mode disarms the timer
     * (SDM "TSC-Deadline Mode"); between one-shot and periodic the count carries on.
     */
    void setMode(int newMode) {
        int old = mode;
        mode = newMode;
        if (old == newMode) {
            return;
        }
        if (old == TSC_DEADLINE || newMode == TSC_DEADLINE) {
            running = false;
            initialCount = 0;
            tscDeadline = 0;
            timer.cancel();
        } else {
            schedule();
        }
    }

    int initialCount() {
        return initialCount;
    }

    int divideConfig() {
        return divideConfig;
    }

    /** Writing the initial count (re)starts the countdown; ignored in TSC-deadline mode. */
    void writeInitialCount(int value) {
        if (mode == TSC_DEADLINE) {
            return;
        }
        initialCount = value;
        start = clock.now();
        running = value != 0;
        schedule();
    }

    void writeDivide(int value) {
        long current = currentCount() & 0xFFFF_FFFFL;
        divideConfig = value & 0xB;
        if (running && mode != TSC_DEADLINE) {
            // Keep the count where it is and let it continue at the new rate.
            long elapsedCounts = (initialCount & 0xFFFF_FFFFL) - current;
            start = clock.now() - elapsedCounts * nanosPerCount();
            schedule();
        }
    }

    /** The divide configuration register's bits 3,1,0 select 2, 4, ... 128, then 1 for 0b111. */
    private long divisor() {
        int code = (divideConfig & 3) | ((divideConfig >> 1) & 4);
        return 1L << ((code + 1) & 7);
    }

    private long nanosPerCount() {
        return divisor() * VirtualClock.NANOS_PER_SECOND / LocalApic.TIMER_HZ;
    }

    int currentCount() {
        if (!running || mode == TSC_DEADLINE) {
            return 0;
        }
        long initial = initialCount & 0xFFFF_FFFFL;
        long elapsed = (clock.now() - start) / nanosPerCount();
        if (mode == PERIODIC) {
            return (int) (initial - elapsed % initial);
        }
        return elapsed >= initial ? 0 : (int) (initial - elapsed);
    }

    private long period() {
        return (initialCount & 0xFFFF_FFFFL) * nanosPerCount();
    }

    private void schedule() {
        if (!running || mode == TSC_DEADLINE) {
            timer.cancel();
            return;
        }
        long now = clock.now();
        if (mode == PERIODIC) {
            timer.arm(start + (Math.max(0, now - start) / period() + 1) * period());
            return;
        }
        long deadline = start + period();
        if (deadline <= now) {
            running = false;
            timer.cancel();
        } else {
            timer.arm(deadline);
        }
    }

    private void expired(long now) {
        switch (mode) {
            case TSC_DEADLINE -> tscDeadline = 0;
            case PERIODIC -> timer.arm(start + ((now - start) / period() + 1) * period());
            default -> running = false;
        }
        expiry.run();
    }

    /** IA32_TSC_DEADLINE as RDMSR sees it: 0 outside TSC-deadline mode. */
    long readTscDeadline() {
        return mode == TSC_DEADLINE ? tscDeadline : 0;
    }

    /** WRMSR IA32_TSC_DEADLINE: arms, or with 0 disarms; ignored outside TSC-deadline mode. */
    void writeTscDeadline(long value) {
        if (mode != TSC_DEADLINE) {
            return;
        }
        tscDeadline = value;
        if (value == 0) {
            timer.cancel();
            return;
        }
        long when = VirtualClock.tscToNanos(value);
        if (when <= clock.now()) {
            // A deadline already passed expires at once.
            timer.cancel();
            expired(clock.now());
        } else {
            timer.arm(when);
        }
    }
}
