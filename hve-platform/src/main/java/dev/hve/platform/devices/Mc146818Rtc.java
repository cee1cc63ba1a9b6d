package dev.hve.platform.devices;

import dev.hve.platform.clock.ClockTimer;
import dev.hve.platform.clock.VirtualClock;
import dev.hve.platform.io.PortDevice;
import dev.hve.platform.irq.IrqLine;

/**
 * The Motorola MC146818A real-time clock and its CMOS RAM, at index port 0x70 and data port 0x71
 * (MC146818A datasheet: "Address Map", "Registers A-D", "Update Cycle", "Interrupts"). The time of
 * day runs from the {@link VirtualClock} on the 32.768 kHz time base; the periodic, alarm and
 * update-ended interrupts raise ISA IRQ8 until register C is read.
 *
 * <p>Bit 7 of a write to port 0x70 is the PC's NMI mask, not an RTC bit. The CMOS bytes past
 * register D hold what a PC BIOS keeps there: the memory sizes ({@link #setMemorySize}), equipment,
 * century at 0x32.
 */
public final class Mc146818Rtc implements PortDevice {

    public static final int INDEX_PORT = 0x70;
    public static final int PORT_COUNT = 2;

    static final int SECONDS = 0x00;
    static final int SECONDS_ALARM = 0x01;
    static final int MINUTES = 0x02;
    static final int MINUTES_ALARM = 0x03;
    static final int HOURS = 0x04;
    static final int HOURS_ALARM = 0x05;
    static final int DAY_OF_WEEK = 0x06;
    static final int DAY_OF_MONTH = 0x07;
    static final int MONTH = 0x08;
    static final int YEAR = 0x09;
    static final int REGISTER_A = 0x0A;
    static final int REGISTER_B = 0x0B;
    static final int REGISTER_C = 0x0C;
    static final int REGISTER_D = 0x0D;
    static final int CENTURY = 0x32;

    static final int A_UIP = 0x80;
    /** DV2-0 = 010: the 32.768 kHz time base, dividers running. */
    static final int A_DIVIDER_NORMAL = 0x20;
    static final int B_SET = 0x80;
    static final int B_PIE = 0x40;
    static final int B_AIE = 0x20;
    static final int B_UIE = 0x10;
    static final int B_DM_BINARY = 0x04;
    static final int B_24_HOUR = 0x02;
    static final int C_IRQF = 0x80;
    static final int C_PF = 0x40;
    static final int C_AF = 0x20;
    static final int C_UF = 0x10;
    static final int D_VRT = 0x80;

    private static final long SECOND = VirtualClock.NANOS_PER_SECOND;
    private static final long TIME_BASE_HZ = 32_768;
    /** UIP rises 244 us before an update cycle, which lasts 1984 us at 32.768 kHz. */
    private static final long UIP_LEAD_NANOS = 244_000;
    private static final long UPDATE_CYCLE_NANOS = 1_984_000;

    private final VirtualClock clock;
    private final IrqLine irq8;
    private final ClockTimer timer;
    private final byte[] cmos = new byte[128];
    private int index;
    private boolean nmiDisabled = true;

    private int registerA = A_DIVIDER_NORMAL | 0x06;
    private int registerB = B_24_HOUR;
    private int flags;
    /** Flags are accounted up to this clock time. */
    private long flagsUpTo;
    /** Seconds since the epoch at {@link #origin}; the divider chain's phase is anchored there too. */
    private long baseSeconds;
    private long origin;
    /** When updates are stopped (SET, or the divider in reset), the time held. */
    private boolean frozen;
    private final RtcDateTime held = new RtcDateTime();
    private final RtcDateTime scratch = new RtcDateTime();

    /** @param epochSeconds the time of day (UTC) at clock time zero */
    public Mc146818Rtc(VirtualClock clock, IrqLine irq8, long epochSeconds) {
        this.clock = clock;
        this.irq8 = irq8;
        this.timer = clock.newTimer("rtc", now -> onTimer());
        this.baseSeconds = epochSeconds;
        this.origin = clock.now();
        this.flagsUpTo = origin;
        cmos[0x14] = 0x02; // equipment byte: math coprocessor present, no floppy
        updateChecksum();
    }

    @Override
    public String name() {
        return "mc146818-rtc";
    }

    /** Whether the NMI mask (port 0x70 bit 7) is set; the chipset gates NMI sources with it. */
    public boolean nmiDisabled() {
        return nmiDisabled;
    }

    /**
     * The BIOS memory-size bytes: base memory (0x15/0x16, 640 KiB), extended memory above 1 MiB in
     * KiB (0x17/0x18, mirrored at 0x30/0x31, at most 0xFFFF), memory above 16 MiB in 64 KiB units
     * (0x34/0x35) and memory above 4 GiB in 64 KiB units (0x5B-0x5D).
     */
    public void setMemorySize(long below4g, long above4g) {
        putWord(0x15, 640);
        long extendedKib = Math.max(0, below4g - (1L << 20)) >> 10;
        putWord(0x17, (int) Math.min(extendedKib, 0xFFFF));
        putWord(0x30, (int) Math.min(extendedKib, 0xFFFF));
        long above16m = Math.max(0, below4g - (16L << 20)) >> 16;
        putWord(0x34, (int) Math.min(above16m, 0xFFFF));
        long high = above4g >> 16;
        cmos[0x5B] = (byte) high;
        cmos[0x5C] = (byte) (high >> 8);
        cmos[0x5D] = (byte) (high >> 16);
        updateChecksum();
    }

    private void putWord(int at, int value) {
        cmos[at] = (byte) value;
        cmos[at + 1] = (byte) (value >> 8);
    }

    /** The standard checksum over 0x10-0x2D, stored big-endian at 0x2E/0x2F. */
    private void updateChecksum() {
        int sum = 0;
        for (int i = 0x10; i <= 0x2D; i++) {
            sum += cmos[i] & 0xFF;
        }
        cmos[0x2E] = (byte) (sum >> 8);
        cmos[0x2F] = (byte) sum;
    }

    @Override
    public long read(int offset, int size) {
        if (offset == 0) {
            return 0xFF; // the index register is write-only on PC chipsets
        }
        return switch (index) {
            case SECONDS, MINUTES, HOURS, DAY_OF_WEEK, DAY_OF_MONTH, MONTH, YEAR, CENTURY -> timeRegister(index);
            case REGISTER_A -> registerA | (updateInProgress() ? A_UIP : 0);
            case REGISTER_B -> registerB;
            case REGISTER_C -> readRegisterC();
            case REGISTER_D -> D_VRT;
            default -> cmos[index] & 0xFF;
        };
    }

    @Override
    public void write(int offset, int size, long value) {
        int v = (int) value & 0xFF;
        if (offset == 0) {
            index = v & 0x7F;
            nmiDisabled = (v & 0x80) != 0;
            return;
        }
        switch (index) {
            case SECONDS, MINUTES, HOURS, DAY_OF_WEEK, DAY_OF_MONTH, MONTH, YEAR, CENTURY -> writeTime(index, v);
            case REGISTER_A -> writeRegisterA(v);
            case REGISTER_B -> writeRegisterB(v);
            case REGISTER_C, REGISTER_D -> { } // read-only
            default -> cmos[index] = (byte) v;
        }
    }

    // ---- time of day ------------------------------------------------------------------------

    private boolean dividerRunning() {
        return (registerA & 0x70) == A_DIVIDER_NORMAL;
    }

    /** Seconds since the epoch the running clock shows now (only while not {@link #frozen}). */
    private long currentSeconds() {
        return baseSeconds + Math.floorDiv(clock.now() - origin, SECOND);
    }

    private boolean updateInProgress() {
        if (frozen) {
            return false;
        }
        long phase = Math.floorMod(clock.now() - origin, SECOND);
        return phase >= SECOND - UIP_LEAD_NANOS || (phase < UPDATE_CYCLE_NANOS && clock.now() - origin >= SECOND);
    }

    /** The registers as they stand: the held values, or the running time broken down. */
    private RtcDateTime registers() {
        if (frozen) {
            return held;
        }
        scratch.fill(currentSeconds());
        return scratch;
    }

    private int timeRegister(int register) {
        RtcDateTime t = registers();
        return switch (register) {
            case SECONDS -> encode(t.second);
            case MINUTES -> encode(t.minute);
            case HOURS -> encodeHour(t.hour);
            case DAY_OF_WEEK -> encode(t.dayOfWeek);
            case DAY_OF_MONTH -> encode(t.dayOfMonth);
            case MONTH -> encode(t.month);
            case YEAR -> encode(t.year % 100);
            default -> encode(t.year / 100);
        };
    }

    private void writeTime(int register, int value) {
        RtcDateTime t = registers();
        int field = register == HOURS ? decodeHour(value) : decode(value);
        switch (register) {
            case SECONDS -> t.second = field;
            case MINUTES -> t.minute = field;
            case HOURS -> t.hour = field;
            case DAY_OF_WEEK -> t.dayOfWeek = field;
            case DAY_OF_MONTH -> t.dayOfMonth = field;
            case MONTH -> t.month = field;
            case YEAR -> t.year = t.year / 100 * 100 + field;
            default -> t.year = field * 100 + t.year % 100;
        }
        if (!frozen) {
            // A write to a running clock takes effect at once; the divider chain keeps its phase.
            long phase = Math.floorMod(clock.now() - origin, SECOND);
            collectFlags();
            origin = clock.now() - phase;
            baseSeconds = t.toEpochSeconds();
            flagsUpTo = clock.now();
        }
    }

    private int encode(int value) {
        return (registerB & B_DM_BINARY) != 0 ? value : ((value / 10) << 4) | (value % 10);
    }

    private int decode(int value) {
        return (registerB & B_DM_BINARY) != 0 ? value : ((value >> 4) & 0xF) * 10 + (value & 0xF);
    }

    /** Hours: in 12-hour mode 1-12 with bit 7 set for PM. */
    private int encodeHour(int hour) {
        if ((registerB & B_24_HOUR) != 0) {
            return encode(hour);
        }
        int twelve = hour % 12 == 0 ? 12 : hour % 12;
        return encode(twelve) | (hour >= 12 ? 0x80 : 0);
    }

    private int decodeHour(int value) {
        if ((registerB & B_24_HOUR) != 0) {
            return decode(value);
        }
        int hour = decode(value & 0x7F) % 12;
        return (value & 0x80) != 0 ? hour + 12 : hour;
    }

    // ---- control registers --------------------------------------------------------------------

    private void writeRegisterA(int v) {
        collectFlags();
        boolean wasRunning = dividerRunning();
        registerA = v & 0x7F;
        boolean running = dividerRunning();
        if (wasRunning && !running) {
            freeze();
        } else if (!wasRunning && running && (registerB & B_SET) == 0) {
            // Out of divider reset, the first update comes half a second later (datasheet, DV bits).
            thaw(clock.now() - SECOND / 2);
        }
        schedule();
    }

    private void writeRegisterB(int v) {
        collectFlags();
        boolean wasSet = (registerB & B_SET) != 0;
        registerB = v;
        if ((v & B_SET) != 0) {
            // SET aborts an update in progress and clears UIE (datasheet, register B bit 7).
            registerB &= ~B_UIE;
            if (!wasSet) {
                freeze();
            }
        } else if (wasSet && dividerRunning()) {
            thaw(clock.now() - Math.floorMod(clock.now() - origin, SECOND));
        }
        updateIrq();
        schedule();
    }

    private void freeze() {
        if (!frozen) {
            held.fill(currentSeconds());
            frozen = true;
        }
    }

    private void thaw(long newOrigin) {
        if (frozen) {
            frozen = false;
            baseSeconds = held.toEpochSeconds();
            origin = newOrigin;
            flagsUpTo = clock.now();
        }
    }

    private int readRegisterC() {
        collectFlags();
        int value = flags | (irqf() ? C_IRQF : 0);
        flags = 0;
        updateIrq();
        schedule();
        return value;
    }

    // ---- interrupt flags ----------------------------------------------------------------------

    /** Periodic interrupt period in 32.768 kHz ticks for rate select RS (0 = off). */
    private long periodTicks() {
        int rs = registerA & 0x0F;
        if (rs == 0) {
            return 0;
        }
        return rs <= 2 ? 1L << (rs + 6) : 1L << (rs - 1);
    }

    /** Sets PF, UF and AF for everything the chip did between {@link #flagsUpTo} and now. */
    private void collectFlags() {
        long now = clock.now();
        long from = flagsUpTo;
        flagsUpTo = now;
        if (frozen || now <= from) {
            return;
        }
        long period = periodTicks();
        if (period != 0 && periodIndex(now, period) > periodIndex(from, period)) {
            flags |= C_PF;
        }
        long lastUpdate = updatesEndedBy(now);
        long firstUpdate = updatesEndedBy(from) + 1;
        if (lastUpdate >= firstUpdate) {
            flags |= C_UF;
            // AF: check the updates in the interval (at most a day's worth; alarms repeat daily at most).
            for (long k = Math.max(firstUpdate, lastUpdate - 86_400); k <= lastUpdate; k++) {
                if (alarmMatches(baseSeconds + k)) {
                    flags |= C_AF;
                    break;
                }
            }
        }
    }

    private long periodIndex(long at, long periodTicks) {
        long sinceOrigin = at - origin;
        if (sinceOrigin < 0) {
            return -1;
        }
        return VirtualClock.scale(sinceOrigin, TIME_BASE_HZ) / periodTicks;
    }

    /**
     * How many update cycles have ended by {@code at}. Update k (k = 1, 2, ...) starts k seconds
     * after {@link #origin}, moves the time to {@code baseSeconds + k} and ends 1984 us later.
     */
    private long updatesEndedBy(long at) {
        return Math.max(0, Math.floorDiv(at - origin - UPDATE_CYCLE_NANOS, SECOND));
    }

    private boolean alarmMatches(long seconds) {
        scratch.fill(seconds);
        return alarmField(cmos[SECONDS_ALARM], encode(scratch.second))
            && alarmField(cmos[MINUTES_ALARM], encode(scratch.minute))
            && alarmField(cmos[HOURS_ALARM], encodeHour(scratch.hour));
    }

    /** An alarm byte with both top bits set is "don't care" and matches every value. */
    private static boolean alarmField(byte alarm, int value) {
        int a = alarm & 0xFF;
        return (a & 0xC0) == 0xC0 || a == value;
    }

    private boolean irqf() {
        return (flags & registerB & (C_PF | C_AF | C_UF)) != 0;
    }

    private void updateIrq() {
        if (irq8 != null) {
            irq8.set(irqf());
        }
    }

    private void onTimer() {
        collectFlags();
        updateIrq();
        schedule();
    }

    /**
     * Arms the clock for the next event that can raise IRQ8, only while an enabled interrupt is
     * not already pending: once IRQF is set nothing changes for the guest until it reads register C.
     */
    private void schedule() {
        if (frozen || irqf() || (registerB & (B_PIE | B_AIE | B_UIE)) == 0) {
            timer.cancel();
            return;
        }
        long now = clock.now();
        long next = VirtualClock.NEVER;
        long period = periodTicks();
        if ((registerB & B_PIE) != 0 && period != 0) {
            long nextIndex = periodIndex(now, period) + 1;
            next = origin + VirtualClock.nanosForTicks(nextIndex * period, TIME_BASE_HZ);
        }
        if ((registerB & (B_AIE | B_UIE)) != 0) {
            long nextUpdateEnd = origin + (updatesEndedBy(now) + 1) * SECOND + UPDATE_CYCLE_NANOS;
            next = Math.min(next, nextUpdateEnd);
        }
        timer.arm(next);
    }
}
