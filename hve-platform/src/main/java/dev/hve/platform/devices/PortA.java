package dev.hve.platform.devices;

import dev.hve.platform.PowerEvents;
import dev.hve.platform.io.PortDevice;

/**
 * Port 0x92, "system control port A" / fast A20 and INIT (Intel PIIX3 datasheet, "Port 92h").
 * Bit 1 gates address line 20; a 0-to-1 transition of bit 0 resets the processor, which here ends
 * the run as a reset through {@link PowerEvents#resetRequested}.
 */
public final class PortA implements PortDevice {

    public static final int PORT = 0x92;

    private static final int FAST_RESET = 0x01;
    private static final int A20_ENABLE = 0x02;

    private final PowerEvents power;
    private int value = A20_ENABLE;

    /** A20 starts enabled: there is no BIOS here to have turned it on, and every modern guest expects it. */
    public PortA(PowerEvents power) {
        this.power = power;
    }

    @Override
    public String name() {
        return "port-a";
    }

    @Override
    public long read(int offset, int size) {
        return value;
    }

    @Override
    public void write(int offset, int size, long v) {
        int old = value;
        value = (int) v & (FAST_RESET | A20_ENABLE);
        if ((old & FAST_RESET) == 0 && (value & FAST_RESET) != 0) {
            power.resetRequested("port 0x92 fast reset");
        }
    }

    /**
     * Whether A20 is enabled. The memory model does not wrap addresses at 1 MiB, so a guest that
     * disables A20 still sees linear memory; the machine may consult this to warn.
     */
    public boolean a20Enabled() {
        return (value & A20_ENABLE) != 0;
    }
}
