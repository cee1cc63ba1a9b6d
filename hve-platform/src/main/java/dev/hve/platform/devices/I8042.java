package dev.hve.platform.devices;

import dev.hve.platform.PowerEvents;
import dev.hve.platform.io.IoPortBus;
import dev.hve.platform.io.PortDevice;

/**
 * The i8042 keyboard controller (IBM PC/AT Technical Reference, "Keyboard Controller"), as far as
 * a guest needs it without a keyboard: the status register, the controller command byte, the self
 * tests, the output port and command 0xFE, which pulses the CPU reset line. No keyboard or mouse
 * is attached, so bytes sent to devices get no answer.
 *
 * <p>Offset 0 is the data port 0x60, offset 4 the status/command port 0x64. Since port 0x61
 * belongs to another device, {@link #register} claims the two ports separately.
 */
public final class I8042 implements PortDevice {

    public static final int BASE_PORT = 0x60;
    public static final int DATA_PORT = 0x60;
    public static final int COMMAND_PORT = 0x64;
    /** The span from the data port to the command port; claims must not cover it whole (0x61 is port B). */
    public static final int PORT_COUNT = 5;

    private static final int COMMAND_OFFSET = 4;
    private static final int STATUS_OUTPUT_FULL = 0x01;
    /** Status bit 2, the system flag: set after a successful self test. */
    private static final int STATUS_SYSTEM_FLAG = 0x04;
    /** Status bit 3: the last write went to the command port. */
    private static final int STATUS_COMMAND = 0x08;

    private static final int READ_COMMAND_BYTE = 0x20;
    private static final int WRITE_COMMAND_BYTE = 0x60;
    private static final int SELF_TEST = 0xAA;
    private static final int INTERFACE_TEST = 0xAB;
    private static final int AUX_INTERFACE_TEST = 0xA9;
    private static final int READ_OUTPUT_PORT = 0xD0;
    private static final int WRITE_OUTPUT_PORT = 0xD1;
    private static final int PULSE_RESET = 0xFE;
    /** Output port bit 0 drives the CPU reset line (active low), bit 1 the A20 gate. */
    private static final int OUTPUT_PORT_RESET = 0x01;

    private final PowerEvents power;
    private int commandByte = 0x45; // keyboard interrupt, system flag, translation: the BIOS default
    private int outputPort = 0x03;
    private int pendingCommand = -1;
    private int outputBuffer = -1;
    private boolean lastWriteCommand;

    public I8042(PowerEvents power) {
        this.power = power;
    }

    /** Claims 0x60 and 0x64. */
    public void register(IoPortBus bus) {
        bus.register(DATA_PORT, 1, this);
        bus.register(COMMAND_PORT, 1, new PortDevice() {
            @Override
            public String name() {
                return "i8042-command";
            }

            @Override
            public long read(int offset, int size) {
                return I8042.this.read(COMMAND_OFFSET, size);
            }

            @Override
            public void write(int offset, int size, long value) {
                I8042.this.write(COMMAND_OFFSET, size, value);
            }
        });
    }

    @Override
    public String name() {
        return "i8042";
    }

    @Override
    public long read(int offset, int size) {
        if (offset == COMMAND_OFFSET) {
            return STATUS_SYSTEM_FLAG | (outputBuffer >= 0 ? STATUS_OUTPUT_FULL : 0)
                | (lastWriteCommand ? STATUS_COMMAND : 0);
        }
        int value = outputBuffer < 0 ? 0 : outputBuffer;
        outputBuffer = -1;
        return value;
    }

    @Override
    public void write(int offset, int size, long value) {
        int v = (int) value & 0xFF;
        lastWriteCommand = offset == COMMAND_OFFSET;
        if (offset == COMMAND_OFFSET) {
            command(v);
        } else if (pendingCommand == WRITE_COMMAND_BYTE) {
            commandByte = v;
            pendingCommand = -1;
        } else if (pendingCommand == WRITE_OUTPUT_PORT) {
            pendingCommand = -1;
            writeOutputPort(v);
        }
        // Otherwise the byte is for the keyboard, which is not there.
    }

    private void command(int v) {
        pendingCommand = -1;
        switch (v) {
            case READ_COMMAND_BYTE -> outputBuffer = commandByte;
            case WRITE_COMMAND_BYTE, WRITE_OUTPUT_PORT -> pendingCommand = v;
            case SELF_TEST -> outputBuffer = 0x55;
            case INTERFACE_TEST, AUX_INTERFACE_TEST -> outputBuffer = 0x00;
            case READ_OUTPUT_PORT -> outputBuffer = outputPort;
            case PULSE_RESET -> power.resetRequested("i8042 command 0xFE");
            default -> { } // enable/disable keyboard and aux (0xAD/0xAE/0xA7/0xA8) change nothing visible here
        }
    }

    private void writeOutputPort(int v) {
        int old = outputPort;
        outputPort = v;
        if ((old & OUTPUT_PORT_RESET) != 0 && (v & OUTPUT_PORT_RESET) == 0) {
            power.resetRequested("i8042 output port reset line");
        }
    }
}
