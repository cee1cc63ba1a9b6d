package dev.hve.platform.devices;

import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * The MC146818's time and calendar registers as plain numbers. While the guest holds the clock
 * (SET, or the divider in reset) each register is written on its own, in any order, so a
 * momentarily impossible date (month 2 written before day 15 over a 31st) must be representable;
 * it is only interpreted, leniently, when the clock runs again.
 */
final class RtcDateTime {

    int second;
    int minute;
    int hour;
    /** 1 = Sunday, as the MC146818 counts. */
    int dayOfWeek;
    int dayOfMonth;
    int month;
    int year;

    void fill(long epochSeconds) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(epochSeconds, 0, ZoneOffset.UTC);
        second = t.getSecond();
        minute = t.getMinute();
        hour = t.getHour();
        dayOfWeek = t.getDayOfWeek().getValue() % 7 + 1;
        dayOfMonth = t.getDayOfMonth();
        month = t.getMonthValue();
        year = t.getYear();
    }

    /** Out-of-range fields are clamped, and a day past the month's end rolls into the next month. */
    long toEpochSeconds() {
        LocalDateTime t = LocalDateTime.of(Math.max(0, year), clamp(month, 1, 12), 1, clamp(hour, 0, 23),
            clamp(minute, 0, 59), clamp(second, 0, 59)).plusDays(clamp(dayOfMonth, 1, 31) - 1L);
        return t.toEpochSecond(ZoneOffset.UTC);
    }

    private static int clamp(int value, int low, int high) {
        return Math.max(low, Math.min(high, value));
    }
}
