package dev.hve.platform.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VirtualClockTest {

    @Test
    void timersFireInDeadlineOrderEachSeeingItsOwnDeadline() {
        VirtualClock clock = VirtualClock.instructionDriven();
        List<String> fired = new ArrayList<>();
        ClockTimer late = clock.newTimer("late", now -> fired.add("late@" + now));
        ClockTimer early = clock.newTimer("early", now -> fired.add("early@" + now));
        late.arm(300);
        early.arm(100);
        clock.advanceInstructions(250);
        assertEquals(List.of("early@100"), fired);
        assertEquals(250, clock.now());
        clock.advance(100);
        assertEquals(List.of("early@100", "late@300"), fired);
        assertEquals(350, clock.now());
        assertFalse(late.armed());
    }

    @Test
    void aTimerThatRearmsItselfFiresAgainWithinOneAdvance() {
        VirtualClock clock = VirtualClock.instructionDriven();
        List<Long> ticks = new ArrayList<>();
        ClockTimer[] periodic = new ClockTimer[1];
        periodic[0] = clock.newTimer("periodic", now -> {
            ticks.add(now);
            periodic[0].arm(now + 1000);
        });
        periodic[0].arm(1000);
        clock.advance(3500);
        assertEquals(List.of(1000L, 2000L, 3000L), ticks);
        assertEquals(4000, clock.nextDeadline());
    }

    @Test
    void fastForwardJumpsToTheNextDeadlineOrReportsThereIsNone() {
        VirtualClock clock = VirtualClock.instructionDriven();
        assertFalse(clock.fastForwardToNextDeadline());
        List<Long> fired = new ArrayList<>();
        clock.newTimer("t", fired::add).arm(123_456);
        assertEquals(123_456, clock.nanosUntilNextDeadline());
        assertTrue(clock.fastForwardToNextDeadline());
        assertEquals(123_456, clock.now());
        assertEquals(List.of(123_456L), fired);
        assertEquals(VirtualClock.NEVER, clock.nextDeadline());
    }

    @Test
    void tscRunsAtOneTickPerNanosecond() {
        VirtualClock clock = VirtualClock.instructionDriven();
        clock.advanceInstructions(5_000);
        assertEquals(5_000, clock.tsc());
        assertEquals(7_000, VirtualClock.tscToNanos(7_000));
    }

    @Test
    void tickConversionsAreExactInverses() {
        long hz = 1_193_182;
        for (long ticks : new long[] {0, 1, 2, 1193, 1_193_182, 1_193_183, 99_999_999_999L}) {
            long nanos = VirtualClock.nanosForTicks(ticks, hz);
            assertEquals(ticks, VirtualClock.scale(nanos, hz), "ticks at their first nanosecond");
            if (ticks > 0) {
                assertEquals(ticks - 1, VirtualClock.scale(nanos - 1, hz), "one nanosecond earlier");
            }
        }
        // Large times do not overflow: 100 days of nanoseconds at the PIT rate.
        long hundredDays = 100L * 86_400 * VirtualClock.NANOS_PER_SECOND;
        assertEquals(100L * 86_400 * hz, VirtualClock.scale(hundredDays, hz));
    }

    @Test
    void hostTimeMovesByItselfAndIgnoresAdvance() throws InterruptedException {
        VirtualClock clock = VirtualClock.hostDriven();
        long before = clock.now();
        clock.advance(10_000_000_000L);
        assertTrue(clock.now() - before < 10_000_000_000L, "advance must not move host time");
        Thread.sleep(2);
        assertTrue(clock.now() > before);
        List<Long> fired = new ArrayList<>();
        clock.newTimer("t", fired::add).arm(clock.now());
        clock.poll();
        assertEquals(1, fired.size());
    }

    @Test
    void aTimerThatNeverMovesOnIsReportedInsteadOfHanging() {
        VirtualClock clock = VirtualClock.instructionDriven();
        ClockTimer[] stuck = new ClockTimer[1];
        stuck[0] = clock.newTimer("stuck", now -> stuck[0].arm(now));
        stuck[0].arm(10);
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
            () -> clock.advance(100));
        assertTrue(e.getMessage().contains("stuck"));
    }
}
