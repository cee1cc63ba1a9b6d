package dev.hve.platform.devices;

import dev.hve.platform.PowerEvents;
import dev.hve.platform.io.PortDevice;

/**
 * The i8042 keyboard controller, as far as a guest needs it to reset the machine: command 0xFE
 * written to the command port 0x64 pulses the CPU reset line. The status register reports an
 * empty input buffer so guests that poll before writing a command proceed.
 *
 * <p>Claims ports 0x60-0x64: offset 0 is the data port, offset 4 the status/command port.
 */
public final class I8042 implements PortDevice {

    public static final int BASE_PORT = 0x60;
    public static final int PORT_COUNT = 5;
    private static final int COMMAND_OFFSET = 4;
    private static final int COMMAND_PULSE_RESET = 0xFE;
    /** Status bit 2, the system flag: set after a successful self test. */
    private static final int STATUS_SYSTEM_FLAG = 0x04;

    private final PowerEvents power;

    public I8042(PowerEvents power) {
        this.power = power;
    }

    @Override
    public String name() {
        return "i8042";
    }

    @Override
    public long read(int offset, int size) {
        if (offset == COMMAND_OFFSET) {
            return STATUS_SYSTEM_FLAG;
        }
        return 0;
    }

    @Override
    public void write(int offset, int size, long value) {
        if (offset == COMMAND_OFFSET && (value & 0xFF) == COMMAND_PULSE_RESET) {
            power.resetRequested("i8042 command 0xFE");
        }
    }
}
