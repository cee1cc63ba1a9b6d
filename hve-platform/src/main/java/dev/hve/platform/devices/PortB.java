package dev.hve.platform.devices;

import dev.hve.platform.clock.VirtualClock;
import dev.hve.platform.io.PortDevice;

/**
 * Port 0x61, the AT "port B" / PIIX NMI status and control register (Intel PIIX3 datasheet,
 * "NMISC—NMI Status and Control Register"). Writable: bit 0 timer-2 gate, bit 1 speaker data
 * enable, bits 2-3 the SERR#/IOCHK# NMI enables. Read-only: bit 4 the refresh toggle, which flips
 * every 15.085 us (old BIOS delay loops count it), bit 5 timer-2 OUT, bits 6-7 NMI sources (never
 * set here).
 */
public final class PortB implements PortDevice {

    public static final int PORT = 0x61;

    private static final int TIMER2_GATE = 0x01;
    private static final int WRITABLE = 0x0F;
    private static final int REFRESH_TOGGLE = 0x10;
    private static final int TIMER2_OUT = 0x20;
    private static final long REFRESH_PERIOD_NANOS = 15_085;

    private final VirtualClock clock;
    private final Pit8254 pit;
    private int control;

    public PortB(VirtualClock clock, Pit8254 pit) {
        this.clock = clock;
        this.pit = pit;
    }

    @Override
    public String name() {
        return "port-b";
    }

    @Override
    public long read(int offset, int size) {
        int value = control;
        if ((clock.now() / REFRESH_PERIOD_NANOS & 1) != 0) {
            value |= REFRESH_TOGGLE;
        }
        if (pit.out2()) {
            value |= TIMER2_OUT;
        }
        return value;
    }

    @Override
    public void write(int offset, int size, long value) {
        control = (int) value & WRITABLE;
        pit.setGate2((control & TIMER2_GATE) != 0);
    }

    /** Bit 1: whether the speaker is driven (by timer 2 when the gate is also set). */
    public boolean speakerEnabled() {
        return (control & 0x02) != 0;
    }
}
