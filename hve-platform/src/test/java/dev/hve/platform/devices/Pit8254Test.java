package dev.hve.platform.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hve.platform.clock.VirtualClock;
import dev.hve.platform.io.IoPortBus;
import dev.hve.platform.irq.RecordingSink;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class Pit8254Test {

    private final VirtualClock clock = VirtualClock.instructionDriven();
    private final RecordingSink pic = new RecordingSink();
    private final Pit8254 pit = new Pit8254(clock, pic.line(0));
    private final IoPortBus bus = new IoPortBus();

    @BeforeEach
    void wire() {
        bus.register(Pit8254.BASE_PORT, Pit8254.PORT_COUNT, pit);
        bus.register(PortB.PORT, 1, new PortB(clock, pit));
    }

    private long tick() {
        return VirtualClock.scale(clock.now(), Pit8254.CLOCK_HZ);
    }

    private void advanceToTick(long tick) {
        clock.advanceTo(VirtualClock.nanosForTicks(tick, Pit8254.CLOCK_HZ));
    }

    private int readCount(int channel) {
        int lo = (int) bus.read(0x40 + channel, 1);
        int hi = (int) bus.read(0x40 + channel, 1);
        return lo | hi << 8;
    }

    @Test
    void mode2RateGeneratorDrivesIrq0OncePerPeriod() {
        clock.advance(12_345);
        long writeTick = tick();
        bus.write(0x43, 1, 0x34); // counter 0, lo/hi, mode 2, binary
        bus.write(0x40, 1, 1193 & 0xFF);
        bus.write(0x40, 1, 1193 >> 8);
        long load = writeTick + 1;
        assertTrue(pic.level(0), "mode 2 OUT starts high");
        assertEquals(1, pic.risingEdges());
        advanceToTick(load + 1193 - 2);
        assertTrue(pic.level(0));
        assertEquals(2, readCount(0), "counts N down to 1");
        advanceToTick(load + 1193 - 1);
        assertFalse(pic.level(0), "OUT low for the CLK at count 1");
        advanceToTick(load + 1193);
        assertTrue(pic.level(0));
        assertEquals(1193, readCount(0), "reloaded");
        advanceToTick(load + 10 * 1193);
        assertEquals(11, pic.risingEdges(), "ten periods, ten rising edges after the first");
    }

    @Test
    void mode0InterruptOnTerminalCountGoesHighNPlusOneClocksAfterTheWrite() {
        long writeTick = tick();
        bus.write(0x43, 1, 0x30); // counter 0, lo/hi, mode 0
        assertFalse(pic.level(0), "the control word drives OUT low");
        bus.write(0x40, 1, 100);
        bus.write(0x40, 1, 0);
        advanceToTick(writeTick + 100);
        assertFalse(pic.level(0));
        assertEquals(1, readCount(0));
        advanceToTick(writeTick + 101);
        assertTrue(pic.level(0));
        assertEquals(0, readCount(0));
        advanceToTick(writeTick + 102);
        assertEquals(0xFFFF, readCount(0), "the counter wraps and keeps counting");
        assertTrue(pic.level(0), "OUT stays high until reprogrammed");
    }

    @Test
    void counterLatchFreezesTheReadValue() {
        bus.write(0x43, 1, 0x34);
        bus.write(0x40, 1, 0x00);
        bus.write(0x40, 1, 0x10); // 4096
        long load = tick() + 1;
        advanceToTick(load + 96);
        bus.write(0x43, 1, 0x00); // latch counter 0
        advanceToTick(load + 500);
        assertEquals(4000, readCount(0));
        assertEquals(4096 - 500, readCount(0), "after the latched value is read, reads follow the counter");
    }

    @Test
    void readBackLatchesStatusThenCount() {
        bus.write(0x43, 1, 0x34);
        assertEquals(0x40, (int) statusOf(0) & 0x40, "null count until the count is loaded");
        bus.write(0x40, 1, 0x00);
        bus.write(0x40, 1, 0x01); // 256
        long load = tick() + 1;
        advanceToTick(load + 6);
        bus.write(0x43, 1, 0xC2); // read-back: count and status of counter 0
        advanceToTick(load + 50);
        assertEquals(0xB4, bus.read(0x40, 1), "OUT high, count loaded, lo/hi mode 2 binary");
        assertEquals(250, readCount(0));
    }

    private long statusOf(int channel) {
        bus.write(0x43, 1, 0xE0 | (2 << channel)); // read-back, status only
        return bus.read(0x40 + channel, 1);
    }

    @Test
    void mode3SquareWaveIsHighForHalfThePeriod() {
        bus.write(0x43, 1, 0x36);
        bus.write(0x40, 1, 100);
        bus.write(0x40, 1, 0);
        long load = tick() + 1;
        advanceToTick(load + 49);
        assertTrue(pit.out(0));
        assertEquals(2, pit.count(0), "counts down by two");
        advanceToTick(load + 50);
        assertFalse(pit.out(0));
        assertEquals(100, pit.count(0));
        advanceToTick(load + 100);
        assertTrue(pit.out(0));
    }

    @Test
    void linuxTscCalibrationThroughPort61() {
        // pit_calibrate_tsc: gate high, speaker off; counter 2 mode 0; wait for OUT2 in port 0x61 bit 5.
        bus.write(0x61, 1, (bus.read(0x61, 1) & ~0x02) | 0x01);
        assertEquals(0x01, bus.read(0x61, 1) & 0x03);
        bus.write(0x43, 1, 0xB0);
        long latch = 1_193_182 / 20; // 50 ms
        long writeTick = tick();
        bus.write(0x42, 1, latch & 0xFF);
        bus.write(0x42, 1, latch >> 8);
        long tscStart = clock.tsc();
        int polls = 0;
        while ((bus.read(0x61, 1) & 0x20) == 0) {
            clock.advance(1000); // the guest's poll loop costs time
            polls++;
        }
        long elapsedTsc = clock.tsc() - tscStart;
        long expected = VirtualClock.nanosForTicks(writeTick + latch + 1, Pit8254.CLOCK_HZ)
            - VirtualClock.nanosForTicks(writeTick, Pit8254.CLOCK_HZ);
        assertTrue(Math.abs(elapsedTsc - expected) <= 2000, "TSC and PIT agree: " + elapsedTsc + " vs " + expected);
        assertTrue(Math.abs(elapsedTsc - 50_000_000) < 10_000, "about 50 ms of TSC at 1 GHz: " + elapsedTsc);
        assertTrue(polls > 1000);
        assertFalse(pic.level(0), "counter 2 has no IRQ");
    }

    @Test
    void gate2LowSuspendsMode0Counting() {
        bus.write(0x61, 1, 0x00);
        bus.write(0x43, 1, 0xB0);
        bus.write(0x42, 1, 10);
        bus.write(0x42, 1, 0);
        long start = tick();
        advanceToTick(start + 1000);
        assertEquals(10, pit.count(2), "no counting while GATE is low");
        bus.write(0x61, 1, 0x01);
        advanceToTick(start + 1004);
        assertEquals(6, pit.count(2));
        advanceToTick(start + 1011);
        assertTrue(pit.out2());
    }

    @Test
    void lsbOnlyAccessAndBcdCounting() {
        bus.write(0x43, 1, 0x91); // counter 2, LSB only, mode 0, BCD
        bus.write(0x61, 1, 0x01);
        bus.write(0x42, 1, 0x99); // 99 decimal
        long load = tick() + 1;
        advanceToTick(load + 9);
        assertEquals(0x90, bus.read(0x42, 1), "90 in BCD");
        assertEquals(0x90, bus.read(0x42, 1), "LSB-only reads have no flip-flop");
    }

    @Test
    void refreshToggleFlipsEvery15Microseconds() {
        int first = (int) bus.read(0x61, 1) & 0x10;
        clock.advance(15_085);
        int second = (int) bus.read(0x61, 1) & 0x10;
        assertTrue(first != second);
    }

    @Test
    void mode1OneShotStartsOnTheGateRisingEdge() {
        bus.write(0x61, 1, 0x00);
        bus.write(0x43, 1, 0xB2); // counter 2, lo/hi, mode 1
        bus.write(0x42, 1, 10);
        bus.write(0x42, 1, 0);
        clock.advance(100_000);
        assertTrue(pit.out2(), "waits for a trigger with OUT high");
        long trigger = tick();
        bus.write(0x61, 1, 0x01);
        advanceToTick(trigger + 1);
        assertFalse(pit.out2(), "OUT low from the CLK after the trigger");
        advanceToTick(trigger + 10);
        assertFalse(pit.out2());
        assertEquals(1, pit.count(2));
        advanceToTick(trigger + 11);
        assertTrue(pit.out2());
    }

    @Test
    void mode4StrobesOutLowForOneClockAtTerminalCount() {
        bus.write(0x43, 1, 0x38); // counter 0, lo/hi, mode 4
        int edgesBefore = pic.risingEdges();
        bus.write(0x40, 1, 5);
        bus.write(0x40, 1, 0);
        long load = tick() + 1;
        advanceToTick(load + 4);
        assertTrue(pic.level(0));
        advanceToTick(load + 5);
        assertFalse(pic.level(0), "strobe");
        advanceToTick(load + 6);
        assertTrue(pic.level(0));
        assertEquals(edgesBefore + 1, pic.risingEdges());
        advanceToTick(load + 100_000);
        assertEquals(edgesBefore + 1, pic.risingEdges(), "one strobe per count written");
    }

    @Test
    void mode5StrobesAfterTheGateTrigger() {
        bus.write(0x61, 1, 0x00);
        bus.write(0x43, 1, 0xBA); // counter 2, lo/hi, mode 5
        bus.write(0x42, 1, 3);
        bus.write(0x42, 1, 0);
        clock.advance(50_000);
        assertTrue(pit.out2());
        long trigger = tick();
        bus.write(0x61, 1, 0x01);
        advanceToTick(trigger + 1 + 3);
        assertFalse(pit.out2());
        advanceToTick(trigger + 1 + 4);
        assertTrue(pit.out2());
    }

    @Test
    void aMode2CountWrittenMidPeriodTakesEffectAtTheNextPeriod() {
        bus.write(0x43, 1, 0x34);
        bus.write(0x40, 1, 100);
        bus.write(0x40, 1, 0);
        long load = tick() + 1;
        advanceToTick(load + 30);
        bus.write(0x40, 1, 50);
        bus.write(0x40, 1, 0);
        advanceToTick(load + 60);
        assertEquals(40, pit.count(0), "the current period keeps its count");
        advanceToTick(load + 100);
        assertEquals(50, pit.count(0), "the new count from the next period");
        advanceToTick(load + 149);
        assertFalse(pic.level(0));
        advanceToTick(load + 150);
        assertTrue(pic.level(0));
    }

    @Test
    void mode2WaitsForGateHighAndRestartsOnItsRisingEdge() {
        bus.write(0x61, 1, 0x00);
        bus.write(0x43, 1, 0xB4); // counter 2, lo/hi, mode 2
        bus.write(0x42, 1, 20);
        bus.write(0x42, 1, 0);
        clock.advance(1_000_000);
        assertTrue(pit.out2(), "GATE low holds OUT high");
        long rise = tick();
        bus.write(0x61, 1, 0x01);
        advanceToTick(rise + 1 + 5);
        assertEquals(15, pit.count(2));
        bus.write(0x61, 1, 0x00);
        advanceToTick(rise + 100);
        assertEquals(15, pit.count(2), "counting stops with GATE low");
        long again = tick();
        bus.write(0x61, 1, 0x01);
        advanceToTick(again + 1);
        assertEquals(20, pit.count(2), "the rising edge reloads the full count");
    }
}
