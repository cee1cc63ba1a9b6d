package dev.hve.platform.devices;

/**
 * One counter of an Intel 8254 (datasheet order 231164, "Modes" and "Read Operations"). The
 * counting element is never decremented; its value and OUT are computed from the number of CLK
 * pulses since the count was loaded, so a read is exact at any instant of the virtual clock.
 *
 * <p>All times here are PIT clock ticks (1.193182 MHz) since the machine started.
 */
final class PitChannel {

    static final int ACCESS_LATCH = 0;
    static final int ACCESS_LSB = 1;
    static final int ACCESS_MSB = 2;
    static final int ACCESS_LSB_MSB = 3;

    // Counting state.
    private int mode;
    private int access = ACCESS_LSB_MSB;
    private boolean bcd;
    private boolean programmed;
    /** Count register: the value the guest wrote (0 stands for the maximum, 65536 or 10000). */
    private int countRegister;
    /** N in effect in the counting element, 1..65536. */
    private int loadedCount;
    /** Tick at which the counting element was loaded; counting starts from it. */
    private long loadTick;
    /** Whether a count is loaded and counting has been started (by the write, or by a gate trigger in modes 1/5). */
    private boolean counting;
    /** Whether a count is written and waits for the gate trigger (modes 1 and 5). */
    private boolean awaitingTrigger;
    /** Mode 0: first byte of a two-byte count written; counting stops until the second. */
    private boolean halfWritten;
    private boolean gate;
    /** Gate-low tick while counting is suspended in modes 0/4, else -1. */
    private long pausedAt = -1;
    /** Modes 2/3: a count written mid-period takes effect at the next period boundary. */
    private int pendingCount;
    private long pendingFromTick = -1;
    /** The value the counting element showed before the latest load, shown until the load tick. */
    private int valueBeforeLoad;

    // Read/write interface state.
    private boolean writeMsbNext;
    private boolean readMsbNext;
    private boolean countLatched;
    private int latchedCount;
    private boolean latchedMsbNext;
    private boolean statusLatched;
    private int latchedStatus;
    private boolean nullCount = true;

    PitChannel(boolean gate) {
        this.gate = gate;
    }

    // ---- programming ----------------------------------------------------------------------

    /** A control word for this counter with RW != 00: mode, access and BCD, and resets the control logic. */
    void control(int controlWord, long tick) {
        sync(tick);
        valueBeforeLoad = value(tick);
        access = (controlWord >> 4) & 3;
        mode = (controlWord >> 1) & 7;
        if (mode > 5) {
            mode -= 4; // modes 6 and 7 are aliases of 2 and 3 (the M2 bit is "don't care")
        }
        bcd = (controlWord & 1) != 0;
        programmed = true;
        counting = false;
        awaitingTrigger = false;
        halfWritten = false;
        pausedAt = -1;
        pendingFromTick = -1;
        writeMsbNext = false;
        readMsbNext = false;
        countLatched = false;
        nullCount = true;
    }

    /** The counter latch command (control word with RW = 00): freezes the count until it is read. */
    void latchCount(long tick) {
        if (!countLatched) {
            countLatched = true;
            latchedCount = value(tick);
            latchedMsbNext = false;
        }
    }

    /** Read-back command with STATUS = 0: freezes OUT, null count and the programmed mode. */
    void latchStatus(long tick) {
        if (!statusLatched) {
            statusLatched = true;
            latchedStatus = status(tick);
        }
    }

    int status(long tick) {
        sync(tick);
        int controlBits = (access << 4) | (mode << 1) | (bcd ? 1 : 0);
        return (out(tick) ? 0x80 : 0) | (nullCountAt(tick) ? 0x40 : 0) | controlBits;
    }

    void writeCount(int value, long tick) {
        int v = value & 0xFF;
        switch (access) {
            case ACCESS_LSB -> loadCount(v, tick);
            case ACCESS_MSB -> loadCount(v << 8, tick);
            default -> {
                if (!writeMsbNext) {
                    countRegister = (countRegister & 0xFF00) | v;
                    writeMsbNext = true;
                    if (mode == 0 && counting) {
                        // Mode 0: the first byte of a new count stops counting and drives OUT low at once.
                        sync(tick);
                        valueBeforeLoad = value(tick);
                        counting = false;
                        halfWritten = true;
                    }
                } else {
                    writeMsbNext = false;
                    halfWritten = false;
                    loadCount((countRegister & 0xFF) | (v << 8), tick);
                }
            }
        }
    }

    private void loadCount(int register, long tick) {
        sync(tick);
        countRegister = register & 0xFFFF;
        nullCount = true;
        int n = countOf(countRegister);
        boolean periodic = mode == 2 || mode == 3;
        if (periodic && counting && gate) {
            // Modes 2 and 3: the current period runs to its end with the old count.
            pendingCount = n;
            pendingFromTick = nextPeriodStart(tick);
            return;
        }
        if (mode == 1 || mode == 5) {
            awaitingTrigger = true;
            return;
        }
        if (periodic && !gate) {
            // Modes 2 and 3 hold off while GATE is low; its rising edge loads the count.
            loadedCount = n;
            counting = false;
            return;
        }
        valueBeforeLoad = counting ? value(tick) : loadedCount == 0 ? 0 : valueBeforeLoad;
        start(n, tick + 1);
    }

    /** Loads the counting element at {@code when} (the CLK pulse after the write or trigger). */
    private void start(int n, long when) {
        loadedCount = n;
        loadTick = when;
        counting = true;
        pausedAt = !gate && (mode == 0 || mode == 4) ? when : -1;
    }

    private int countOf(int register) {
        if (bcd) {
            int binary = fromBcd(register);
            return binary == 0 ? 10000 : binary;
        }
        return register == 0 ? 0x10000 : register;
    }

    // ---- the gate input -----------------------------------------------------------------------

    void setGate(boolean high, long tick) {
        sync(tick);
        boolean rising = high && !gate;
        boolean falling = !high && gate;
        gate = high;
        switch (mode) {
            case 0, 4 -> {
                if (falling && counting) {
                    pausedAt = Math.max(tick, loadTick);
                } else if (rising && pausedAt >= 0) {
                    loadTick += Math.max(0, tick - pausedAt);
                    pausedAt = -1;
                }
            }
            case 2, 3 -> {
                if (falling && counting) {
                    valueBeforeLoad = value(tick);
                    counting = false;
                } else if (rising && programmed && loadedCount != 0) {
                    // A rising gate reloads the count register on the next CLK pulse.
                    pendingFromTick = -1;
                    start(countOf(countRegister), tick + 1);
                }
            }
            case 1, 5 -> {
                if (rising && (awaitingTrigger || counting)) {
                    awaitingTrigger = false;
                    valueBeforeLoad = value(tick);
                    start(countOf(countRegister), tick + 1);
                }
            }
            default -> { }
        }
    }

    boolean gate() {
        return gate;
    }

    // ---- reads ----------------------------------------------------------------------------------

    int readByte(long tick) {
        if (statusLatched) {
            statusLatched = false;
            return latchedStatus;
        }
        int value;
        boolean msb;
        if (countLatched) {
            value = latchedCount;
            if (access == ACCESS_LSB_MSB) {
                msb = latchedMsbNext;
                latchedMsbNext = !latchedMsbNext;
                if (!msb) {
                    return value & 0xFF;
                }
                countLatched = false;
                return (value >> 8) & 0xFF;
            }
            countLatched = false;
            msb = access == ACCESS_MSB;
        } else {
            value = value(tick);
            if (access == ACCESS_LSB_MSB) {
                msb = readMsbNext;
                readMsbNext = !readMsbNext;
            } else {
                msb = access == ACCESS_MSB;
            }
        }
        return msb ? (value >> 8) & 0xFF : value & 0xFF;
    }

    /** The counting element as the guest would read it (BCD-encoded in BCD mode). */
    int value(long tick) {
        int binary = binaryValue(tick);
        return bcd ? toBcd(binary) : binary & 0xFFFF;
    }

    private int binaryValue(long tick) {
        sync(tick);
        if (!counting || tick < loadTick) {
            return valueBeforeLoad;
        }
        long elapsed = elapsed(tick);
        long n = loadedCount;
        int modulus = bcd ? 10000 : 0x10000;
        return switch (mode) {
            case 2 -> (int) (n - elapsed % effective(n));
            case 3 -> squareWaveValue(elapsed, effective(n));
            default -> (int) Math.floorMod(n - elapsed, (long) modulus);
        };
    }

    /** Mode 3 counts down by two: a full half-cycle at a time, OUT toggling at each end (odd N: N-1 first, see datasheet). */
    private static int squareWaveValue(long elapsed, long n) {
        long phase = elapsed % n;
        long high = (n + 1) / 2;
        long start = (n & 1) == 0 ? n : n - 1;
        long withinHalf = phase < high ? phase : phase - high;
        return (int) Math.max(2, start - 2 * withinHalf);
    }

    /** Modes 2 and 3 need a count of at least 2; 1 is illegal in the datasheet and is run as 2. */
    private static long effective(long n) {
        return Math.max(2, n);
    }

    private long elapsed(long tick) {
        long at = pausedAt >= 0 ? Math.min(tick, pausedAt) : tick;
        return Math.max(0, at - loadTick);
    }

    boolean out(long tick) {
        sync(tick);
        if (!programmed) {
            return false;
        }
        if (mode == 0) {
            if (!counting || tick < loadTick) {
                return false; // the control word and a new count drive OUT low until terminal count
            }
            return elapsed(tick) >= loadedCount;
        }
        if (!counting || tick < loadTick) {
            return true;
        }
        long e = elapsed(tick);
        long n = loadedCount;
        return switch (mode) {
            case 1 -> e >= n;
            case 2 -> e % effective(n) != effective(n) - 1;
            case 3 -> e % effective(n) < (effective(n) + 1) / 2;
            default -> e != n; // modes 4 and 5: one CLK low at terminal count
        };
    }

    /** The next tick after {@code tick} at which OUT changes, or -1 if it never will by itself. */
    long nextOutChange(long tick) {
        sync(tick);
        if (!programmed || !counting || pausedAt >= 0) {
            return -1;
        }
        if (tick < loadTick) {
            // Nothing changes before the load except what the mode does at the load itself.
            long first = nextOutChangeFromLoad();
            return first < 0 ? -1 : first;
        }
        long e = elapsed(tick);
        long n = loadedCount;
        long result;
        switch (mode) {
            case 0, 1 -> result = e < n ? loadTick + n : -1;
            case 2 -> {
                long period = effective(n);
                long phase = e % period;
                long periodStart = loadTick + e - phase;
                result = phase < period - 1 ? periodStart + period - 1 : periodStart + period;
            }
            case 3 -> {
                long period = effective(n);
                long phase = e % period;
                long periodStart = loadTick + e - phase;
                long high = (period + 1) / 2;
                result = phase < high ? periodStart + high : periodStart + period;
            }
            default -> result = e < n ? loadTick + n : e == n ? loadTick + n + 1 : -1;
        }
        if (pendingFromTick >= 0 && (result < 0 || pendingFromTick < result)) {
            return pendingFromTick;
        }
        return result;
    }

    private long nextOutChangeFromLoad() {
        long n = loadedCount;
        return switch (mode) {
            case 0, 1, 4, 5 -> loadTick + n;
            case 2 -> loadTick + effective(n) - 1;
            case 3 -> loadTick + (effective(n) + 1) / 2;
            default -> -1;
        };
    }

    private long nextPeriodStart(long tick) {
        if (tick < loadTick) {
            return loadTick;
        }
        long period = effective(loadedCount);
        long e = elapsed(tick);
        return loadTick + e - e % period + period;
    }

    private boolean nullCountAt(long tick) {
        if (!nullCount) {
            return false;
        }
        if (counting && tick >= loadTick && pendingFromTick < 0) {
            nullCount = false;
        }
        return nullCount;
    }

    /** Applies a count written during a mode 2/3 period once that period has ended. */
    private void sync(long tick) {
        if (pendingFromTick >= 0 && tick >= pendingFromTick) {
            loadedCount = pendingCount;
            loadTick = pendingFromTick;
            pendingFromTick = -1;
        }
    }

    int mode() {
        return mode;
    }

    private static int fromBcd(int bcdValue) {
        return ((bcdValue >> 12) & 0xF) * 1000 + ((bcdValue >> 8) & 0xF) * 100 + ((bcdValue >> 4) & 0xF) * 10
            + (bcdValue & 0xF);
    }

    private static int toBcd(int value) {
        int v = value % 10000;
        return ((v / 1000) << 12) | (((v / 100) % 10) << 8) | (((v / 10) % 10) << 4) | (v % 10);
    }
}
