package dev.hve.platform.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hve.platform.clock.VirtualClock;
import dev.hve.platform.io.IoPortBus;
import dev.hve.platform.irq.RecordingSink;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class Mc146818RtcTest {

    /** 2024-02-29T23:59:58Z, a Thursday. */
    private static final long START = 1_709_251_198L;
    private static final long SECOND = 1_000_000_000L;

    private final VirtualClock clock = VirtualClock.instructionDriven();
    private final RecordingSink pic = new RecordingSink();
    private final Mc146818Rtc rtc = new Mc146818Rtc(clock, pic.line(8), START);
    private final IoPortBus bus = new IoPortBus();

    @BeforeEach
    void wire() {
        bus.register(0x70, 2, rtc);
    }

    private int cmos(int index) {
        bus.write(0x70, 1, index);
        return (int) bus.read(0x71, 1);
    }

    private void setCmos(int index, int value) {
        bus.write(0x70, 1, index);
        bus.write(0x71, 1, value);
    }

    @Test
    void timeReadsInBcdByDefault() {
        assertEquals(0x58, cmos(0x00));
        assertEquals(0x59, cmos(0x02));
        assertEquals(0x23, cmos(0x04));
        assertEquals(0x05, cmos(0x06), "Thursday: Sunday is 1");
        assertEquals(0x29, cmos(0x07));
        assertEquals(0x02, cmos(0x08));
        assertEquals(0x24, cmos(0x09));
        assertEquals(0x20, cmos(0x32), "century");
        assertEquals(0x80, cmos(0x0D), "valid RAM and time");
    }

    @Test
    void timeAdvancesWithTheVirtualClockAcrossTheDateChange() {
        clock.advance(2 * SECOND);
        assertEquals(0x00, cmos(0x00));
        assertEquals(0x00, cmos(0x04));
        assertEquals(0x01, cmos(0x07));
        assertEquals(0x03, cmos(0x08), "2024 is a leap year: Feb 29 then Mar 1");
    }

    @Test
    void binaryAndTwelveHourModes() {
        setCmos(0x0B, 0x04); // binary, 12-hour
        assertEquals(58, cmos(0x00));
        assertEquals(0x80 | 11, cmos(0x04), "11 PM");
        setCmos(0x0B, 0x00); // BCD, 12-hour
        assertEquals(0x91, cmos(0x04));
    }

    @Test
    void settingTheTimeUnderSetHoldsItUntilSetIsCleared() {
        setCmos(0x0B, 0x82); // SET, 24-hour, BCD
        setCmos(0x04, 0x07);
        setCmos(0x02, 0x30);
        setCmos(0x00, 0x00);
        clock.advance(5 * SECOND);
        assertEquals(0x00, cmos(0x00), "no updates while SET");
        assertEquals(0x07, cmos(0x04));
        setCmos(0x0B, 0x02);
        clock.advance(3 * SECOND);
        assertEquals(0x03, cmos(0x00));
        assertEquals(0x30, cmos(0x02));
    }

    @Test
    void updateInProgressSpansTheUpdateCycle() {
        long boundary = SECOND; // the first update after clock zero
        clock.advanceTo(boundary - 244_001);
        assertEquals(0, cmos(0x0A) & 0x80);
        clock.advanceTo(boundary - 244_000);
        assertEquals(0x80, cmos(0x0A) & 0x80, "244 us before the update");
        clock.advanceTo(boundary + 1_983_999);
        assertEquals(0x80, cmos(0x0A) & 0x80, "during the 1984 us update cycle");
        clock.advanceTo(boundary + 1_984_000);
        assertEquals(0, cmos(0x0A) & 0x80);
        assertEquals(0x26, cmos(0x0A), "divider and rate keep their reset values");
    }

    @Test
    void periodicInterruptRaisesIrq8UntilRegisterCIsRead() {
        setCmos(0x0A, 0x26); // 1024 Hz
        setCmos(0x0B, 0x42); // PIE
        clock.advance(976_561);
        assertFalse(pic.level(8));
        clock.advance(2);
        assertTrue(pic.level(8), "32 ticks of 32.768 kHz = 976.5625 us");
        assertEquals(0xC0, cmos(0x0C) & 0xF0, "IRQF and PF");
        assertFalse(pic.level(8), "reading C clears the flags and drops IRQ8");
        assertEquals(0x00, cmos(0x0C) & 0xC0);
        clock.advance(976_563);
        assertTrue(pic.level(8));
        assertEquals(2, pic.risingEdges());
    }

    @Test
    void periodicFlagIsSetEvenWithoutTheInterruptEnable() {
        setCmos(0x0A, 0x2F); // 2 Hz
        clock.advance(SECOND / 2 + 1);
        int c = cmos(0x0C);
        assertEquals(0x40, c & 0xC0, "PF without IRQF");
        assertFalse(pic.level(8));
    }

    @Test
    void updateEndedAndAlarmInterrupts() {
        setCmos(0x01, 0x00); // alarm at 00:00:00
        setCmos(0x03, 0x00);
        setCmos(0x05, 0x00);
        setCmos(0x0A, 0x20); // periodic rate off, so PF stays clear
        setCmos(0x0B, 0x22); // AIE
        clock.advance(SECOND + 2_000_000);
        assertFalse(pic.level(8), "23:59:59 does not match");
        clock.advance(SECOND);
        assertTrue(pic.level(8));
        assertEquals(0xB0, cmos(0x0C) & 0xF0, "IRQF, AF and UF");
    }

    @Test
    void port70Bit7IsTheNmiMask() {
        bus.write(0x70, 1, 0x8F);
        assertTrue(rtc.nmiDisabled());
        bus.write(0x70, 1, 0x0F);
        assertFalse(rtc.nmiDisabled());
    }

    @Test
    void memorySizeBytesFollowTheRamSize() {
        rtc.setMemorySize(0xC000_0000L, 0x4000_0000L); // 3 GiB low, 1 GiB high
        assertEquals(640, cmos(0x15) | cmos(0x16) << 8);
        assertEquals(0xFFFF, cmos(0x17) | cmos(0x18) << 8, "extended memory saturates");
        assertEquals(0xFFFF, cmos(0x30) | cmos(0x31) << 8);
        assertEquals(0xBF00, cmos(0x34) | cmos(0x35) << 8, "3 GiB - 16 MiB in 64 KiB units");
        assertEquals(0x4000, cmos(0x5B) | cmos(0x5C) << 8 | cmos(0x5D) << 16, "1 GiB in 64 KiB units");
        rtc.setMemorySize(32L << 20, 0);
        assertEquals(31 * 1024, cmos(0x17) | cmos(0x18) << 8);
        assertEquals(256, cmos(0x34) | cmos(0x35) << 8, "16 MiB above 16 MiB in 64 KiB units");
    }

    @Test
    void leavingDividerResetStartsTheFirstUpdateHalfASecondLater() {
        clock.advance(SECOND / 4);
        setCmos(0x0A, 0x70); // divider chain reset
        clock.advance(5 * SECOND);
        assertEquals(0x58, cmos(0x00), "time holds in reset");
        setCmos(0x0A, 0x26);
        clock.advance(SECOND / 2 - 1);
        assertEquals(0x58, cmos(0x00));
        clock.advance(1);
        assertEquals(0x59, cmos(0x00));
    }

    @Test
    void noUpdateHasEndedBeforeTheFirstSecond() {
        setCmos(0x0A, 0x20); // no periodic rate
        clock.advance(SECOND / 2);
        assertEquals(0x00, cmos(0x0C));
        clock.advance(SECOND / 2 + 1_983_999);
        assertEquals(0x00, cmos(0x0C), "the first update cycle has not ended yet");
        clock.advance(1);
        assertEquals(0x10, cmos(0x0C), "UF");
        assertEquals(0x00, cmos(0x0C), "cleared by the read");
    }

    @Test
    void linuxSetTimeOrderWritesTheMonthBeforeTheDay() {
        // mc146818_set_time: SET, then year, month, day, hours, minutes, seconds, then clear SET.
        clock.advance(3 * 86_400 * SECOND); // 2024-03-03
        setCmos(0x0B, 0x82);
        setCmos(0x07, 0x31); // day 31 first so the next month write is impossible for a moment
        setCmos(0x0B, 0x02);
        setCmos(0x0B, 0x82);
        setCmos(0x09, 0x25);
        setCmos(0x08, 0x02); // February 31 for now
        setCmos(0x07, 0x15);
        setCmos(0x04, 0x10);
        setCmos(0x02, 0x20);
        setCmos(0x00, 0x30);
        setCmos(0x0B, 0x02);
        assertEquals(0x25, cmos(0x09));
        assertEquals(0x02, cmos(0x08));
        assertEquals(0x15, cmos(0x07));
        assertEquals(0x10, cmos(0x04));
        assertEquals(0x07, cmos(0x06), "2025-02-15 is a Saturday");
    }
}
