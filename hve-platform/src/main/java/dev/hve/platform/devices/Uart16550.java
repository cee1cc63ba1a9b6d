package dev.hve.platform.devices;

import dev.hve.platform.io.PortDevice;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * A 16550A UART (National Semiconductor PC16550D datasheet): eight registers from the base port,
 * with the divisor latch behind LCR.DLAB. Transmitted bytes go to the output stream at once, so
 * the transmitter is always empty.
 */
public final class Uart16550 implements PortDevice {

    public static final int COM1 = 0x3F8;
    public static final int REGISTER_COUNT = 8;

    private static final int RBR_THR = 0;
    private static final int IER = 1;
    private static final int IIR_FCR = 2;
    private static final int LCR = 3;
    private static final int MCR = 4;
    private static final int LSR = 5;
    private static final int MSR = 6;
    private static final int SCR = 7;
    private static final int LCR_DLAB = 0x80;
    /** LSR: THR empty (bit 5) and transmitter empty (bit 6). */
    private static final int LSR_TX_IDLE = 0x60;
    /** IIR with no interrupt pending. */
    private static final int IIR_NONE = 0x01;

    private final OutputStream output;
    private int ier;
    private int lcr;
    private int mcr;
    private int scr;
    private int divisor = 12;

    public Uart16550(OutputStream output) {
        this.output = output;
    }

    @Override
    public String name() {
        return "uart16550";
    }

    @Override
    public long read(int offset, int size) {
        boolean dlab = (lcr & LCR_DLAB) != 0;
        return switch (offset) {
            case RBR_THR -> dlab ? divisor & 0xFF : 0;
            case IER -> dlab ? (divisor >> 8) & 0xFF : ier;
            case IIR_FCR -> IIR_NONE;
            case LCR -> lcr;
            case MCR -> mcr;
            case LSR -> LSR_TX_IDLE;
            case MSR -> 0;
            case SCR -> scr;
            default -> 0xFF;
        };
    }

    @Override
    public void write(int offset, int size, long value) {
        int v = (int) value & 0xFF;
        boolean dlab = (lcr & LCR_DLAB) != 0;
        switch (offset) {
            case RBR_THR -> {
                if (dlab) {
                    divisor = (divisor & 0xFF00) | v;
                } else {
                    transmit(v);
                }
            }
            case IER -> {
                if (dlab) {
                    divisor = (divisor & 0xFF) | (v << 8);
                } else {
                    ier = v & 0x0F;
                }
            }
            case LCR -> lcr = v;
            case MCR -> mcr = v & 0x1F;
            case SCR -> scr = v;
            default -> {
                // FCR and the read-only LSR/MSR: nothing modeled yet.
            }
        }
    }

    private void transmit(int value) {
        try {
            output.write(value);
            output.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("serial output failed", e);
        }
    }
}
