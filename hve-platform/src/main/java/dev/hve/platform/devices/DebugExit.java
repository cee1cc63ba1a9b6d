package dev.hve.platform.devices;

import dev.hve.platform.PowerEvents;
import dev.hve.platform.io.PortDevice;

/**
 * QEMU's {@code isa-debug-exit} device: a write of {@code v} ends the run with process status
 * {@code (v << 1) | 1}, so a test guest can report pass or fail. Conventionally at port 0xF4.
 */
public final class DebugExit implements PortDevice {

    public static final int DEFAULT_PORT = 0xF4;

    private final PowerEvents power;

    public DebugExit(PowerEvents power) {
        this.power = power;
    }

    @Override
    public String name() {
        return "debug-exit";
    }

    @Override
    public long read(int offset, int size) {
        return -1L;
    }

    @Override
    public void write(int offset, int size, long value) {
        power.debugExit((int) value);
    }
}
