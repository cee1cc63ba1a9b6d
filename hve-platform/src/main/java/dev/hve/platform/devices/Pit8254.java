package dev.hve.platform.devices;

import dev.hve.platform.clock.ClockTimer;
import dev.hve.platform.clock.VirtualClock;
import dev.hve.platform.io.PortDevice;
import dev.hve.platform.irq.IrqLine;

/**
 * The PC's Intel 8254 programmable interval timer (datasheet order 231164) at ports 0x40-0x43:
 * three counters clocked at 1.193182 MHz from the {@link VirtualClock}, and the control word
 * register. Counter 0's OUT is ISA IRQ0; counter 1 (DRAM refresh on old PCs) has no output wired;
 * counter 2's GATE and OUT are bits 0 and 5 of port 0x61 ({@link PortB}), which is how Linux
 * calibrates its TSC.
 *
 * <p>IRQ0 follows counter 0's OUT exactly: a clock timer is armed for OUT's next transition, so
 * in mode 2 the line drops for one CLK per period and rises again, giving the PIC its edge.
 */
public final class Pit8254 implements PortDevice {

    public static final int BASE_PORT = 0x40;
    public static final int PORT_COUNT = 4;
    public static final long CLOCK_HZ = 1_193_182;

    private static final int CONTROL = 3;
    private static final int READ_BACK = 3;

    private final VirtualClock clock;
    private final IrqLine irq0;
    private final PitChannel[] channels = {new PitChannel(true), new PitChannel(true), new PitChannel(false)};
    private final ClockTimer outTimer;

    public Pit8254(VirtualClock clock, IrqLine irq0) {
        this.clock = clock;
        this.irq0 = irq0;
        this.outTimer = clock.newTimer("pit-out0", now -> updateIrq0());
    }

    @Override
    public String name() {
        return "pit8254";
    }

    /** The current PIT clock tick. */
    long tick() {
        return VirtualClock.scale(clock.now(), CLOCK_HZ);
    }

    @Override
    public long read(int offset, int size) {
        if (offset == CONTROL) {
            return 0xFF; // the control word register is write-only
        }
        return channels[offset].readByte(tick());
    }

    @Override
    public void write(int offset, int size, long value) {
        int v = (int) value & 0xFF;
        long tick = tick();
        if (offset != CONTROL) {
            channels[offset].writeCount(v, tick);
        } else if ((v >> 6) == READ_BACK) {
            readBack(v, tick);
        } else if (((v >> 4) & 3) == PitChannel.ACCESS_LATCH) {
            channels[v >> 6].latchCount(tick);
        } else {
            channels[v >> 6].control(v, tick);
        }
        if (offset == 0 || (offset == CONTROL && (v >> 6) == 0)) {
            updateIrq0();
        }
    }

    /** Read-back command: bit 5 clear latches counts, bit 4 clear latches status, bits 3-1 select counters. */
    private void readBack(int v, long tick) {
        for (int i = 0; i < 3; i++) {
            if ((v & (2 << i)) == 0) {
                continue;
            }
            if ((v & 0x20) == 0) {
                channels[i].latchCount(tick);
            }
            if ((v & 0x10) == 0) {
                channels[i].latchStatus(tick);
            }
        }
    }

    /** Drives IRQ0 from counter 0's OUT and arms the clock for its next change. */
    private void updateIrq0() {
        long tick = tick();
        PitChannel channel = channels[0];
        if (irq0 != null) {
            irq0.set(channel.out(tick));
        }
        long next = channel.nextOutChange(tick);
        if (next < 0) {
            outTimer.cancel();
        } else {
            outTimer.arm(VirtualClock.nanosForTicks(next, CLOCK_HZ));
        }
    }

    /** Counter 2's GATE, from port 0x61 bit 0. */
    public void setGate2(boolean high) {
        channels[2].setGate(high, tick());
    }

    public boolean gate2() {
        return channels[2].gate();
    }

    /** Counter 2's OUT, seen in port 0x61 bit 5. */
    public boolean out2() {
        return channels[2].out(tick());
    }

    /** Counter {@code channel}'s OUT now (for tests and diagnostics). */
    public boolean out(int channel) {
        return channels[channel].out(tick());
    }

    /** Counter {@code channel}'s counting element now, as an unlatched read would see it. */
    public int count(int channel) {
        return channels[channel].value(tick());
    }
}
