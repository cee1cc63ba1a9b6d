package dev.hve.platform.devices;

import dev.hve.platform.clock.ClockTimer;
import dev.hve.platform.clock.VirtualClock;
import dev.hve.platform.io.PortDevice;
import dev.hve.platform.irq.IrqLine;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * A National Semiconductor PC16550D UART (datasheet: "Registers", "FIFO Interrupt Mode Operation",
 * "Table IV Interrupt Control Functions"), eight registers from the base port with the divisor
 * latch behind LCR.DLAB, and 16-byte receive FIFO.
 *
 * <p>Transmission is instantaneous: a byte written to THR leaves at once (or, in loopback, lands
 * in the receiver), so THRE and TEMT always read 1 and the THRE interrupt re-arms right after each
 * write. Reception is paced at the programmed character time on the {@link VirtualClock}, one
 * byte per character from the {@link SerialInput}; a host that sends faster waits (as if honoring
 * flow control) instead of overrunning the FIFO. The host side honors RTS/CTS hardware flow
 * control: it starts a character only while the UART asserts MCR.RTS (the far end's CTS), which
 * a driver raises when the port is opened (Linux: when a tty opens ttyS0). Input typed ahead of
 * that, during boot, waits on the host instead of being flushed by the driver's FIFO reset.
 *
 * <p>As on every PC serial card, the interrupt output reaches the IRQ line only through the
 * buffer enabled by MCR.OUT2; loopback forces OUT2's pin inactive, so no IRQ leaves the card then.
 */
public final class Uart16550 implements PortDevice {

    public static final int COM1 = 0x3F8;
    public static final int COM1_IRQ = 4;
    public static final int REGISTER_COUNT = 8;

    private static final int RBR_THR = 0;
    private static final int IER = 1;
    private static final int IIR_FCR = 2;
    private static final int LCR = 3;
    private static final int MCR = 4;
    private static final int LSR = 5;
    private static final int MSR = 6;
    private static final int SCR = 7;

    static final int IER_ERBFI = 0x01;
    static final int IER_ETBEI = 0x02;
    static final int IER_ELSI = 0x04;
    static final int IER_EDSSI = 0x08;

    static final int IIR_NO_INTERRUPT = 0x01;
    static final int IIR_RECEIVER_LINE_STATUS = 0x06;
    static final int IIR_RECEIVED_DATA = 0x04;
    static final int IIR_CHARACTER_TIMEOUT = 0x0C;
    static final int IIR_THR_EMPTY = 0x02;
    static final int IIR_MODEM_STATUS = 0x00;
    static final int IIR_FIFOS_ENABLED = 0xC0;

    static final int FCR_ENABLE = 0x01;
    static final int FCR_CLEAR_RX = 0x02;
    static final int FCR_CLEAR_TX = 0x04;

    static final int LCR_BREAK = 0x40;
    static final int LCR_DLAB = 0x80;

    static final int MCR_DTR = 0x01;
    static final int MCR_RTS = 0x02;
    static final int MCR_OUT1 = 0x04;
    static final int MCR_OUT2 = 0x08;
    static final int MCR_LOOP = 0x10;

    static final int LSR_DR = 0x01;
    static final int LSR_OE = 0x02;
    static final int LSR_BI = 0x10;
    static final int LSR_THRE = 0x20;
    static final int LSR_TEMT = 0x40;
    private static final int LSR_ERRORS = 0x1E;

    static final int MSR_CTS = 0x10;
    static final int MSR_DSR = 0x20;
    static final int MSR_RI = 0x40;
    static final int MSR_DCD = 0x80;
    private static final int MSR_TERI = 0x04;

    private static final int FIFO_SIZE = 16;
    private static final int[] TRIGGER_LEVELS = {1, 4, 8, 14};
    /** The PC's UART crystal: 1.8432 MHz, sixteen clocks per bit. */
    private static final long CRYSTAL_HZ = 1_843_200;

    private final OutputStream output;
    private final SerialInput input;
    private final IrqLine irq;
    private final VirtualClock clock;
    private final ClockTimer receiveTimer;
    private final ClockTimer timeoutTimer;

    private final byte[] rxFifo = new byte[FIFO_SIZE];
    private int rxHead;
    private int rxCount;
    private int ier;
    private int lcr;
    private int mcr;
    private int lsrErrors;
    private int msrDeltas;
    private int modemInputs;
    private int scr;
    private int divisor = 12;
    private boolean fifoEnabled;
    private int triggerLevel = 1;
    private boolean thrEmptyInterrupt;
    private boolean characterTimeout;

    /** A transmit-only UART with no interrupt line: the old skeleton's behavior. */
    public Uart16550(OutputStream output) {
        this(output, SerialInput.none(), null, null);
    }

    /**
     * @param input what arrives on the serial line
     * @param irq   the board's IRQ line (COM1: ISA IRQ 4), or null
     * @param clock paces reception and the FIFO character timeout; null delivers input at once
     */
    public Uart16550(OutputStream output, SerialInput input, IrqLine irq, VirtualClock clock) {
        this.output = output;
        this.input = input;
        this.irq = irq;
        this.clock = clock;
        this.receiveTimer = clock == null ? null : clock.newTimer("uart-rx", now -> receiveFromLine());
        this.timeoutTimer = clock == null ? null : clock.newTimer("uart-timeout", now -> characterTimedOut());
        this.modemInputs = externalModemInputs();
    }

    @Override
    public String name() {
        return "uart16550";
    }

    @Override
    public long read(int offset, int size) {
        boolean dlab = (lcr & LCR_DLAB) != 0;
        int value = switch (offset) {
            case RBR_THR -> dlab ? divisor & 0xFF : readRbr();
            case IER -> dlab ? (divisor >> 8) & 0xFF : ier;
            case IIR_FCR -> readIir();
            case LCR -> lcr;
            case MCR -> mcr;
            case LSR -> readLsr();
            case MSR -> readMsr();
            case SCR -> scr;
            default -> 0xFF;
        };
        pollInput();
        return value;
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
                    // Enabling ETBEI while THR is empty raises the THRE interrupt at once.
                    if ((v & IER_ETBEI) != 0 && (ier & IER_ETBEI) == 0) {
                        thrEmptyInterrupt = true;
                    }
                    ier = v & 0x0F;
                }
            }
            case IIR_FCR -> writeFcr(v);
            case LCR -> writeLcr(v);
            case MCR -> writeMcr(v & 0x1F);
            case SCR -> scr = v;
            default -> { } // LSR and MSR are read-only (factory test writes ignored)
        }
        updateIrq();
    }

    /** Moves waiting input toward the receiver; the machine calls this once per loop iteration. */
    public void pollInput() {
        if (!input.available() || loopback() || (mcr & MCR_RTS) == 0) {
            return;
        }
        if (clock == null) {
            while (rxCount < capacity() && input.available()) {
                receive(input.poll());
            }
            updateIrq();
        } else if (!receiveTimer.armed() && rxCount < capacity()) {
            receiveTimer.arm(clock.now() + characterNanos());
        }
    }

    // ---- receiver -----------------------------------------------------------------------------

    private int capacity() {
        return fifoEnabled ? FIFO_SIZE : 1;
    }

    private boolean loopback() {
        return (mcr & MCR_LOOP) != 0;
    }

    private void receiveFromLine() {
        if (!loopback() && rxCount < capacity()) {
            int b = input.poll();
            if (b >= 0) {
                receive(b);
                updateIrq();
            }
        }
        pollInput();
    }

    /** A character finished arriving in the receiver shift register. */
    private void receive(int b) {
        if (rxCount == capacity()) {
            lsrErrors |= LSR_OE;
            if (!fifoEnabled) {
                // 16450 mode: the new character overwrites the unread one (datasheet, LSR bit 1).
                rxFifo[rxHead] = (byte) b;
            }
            // FIFO mode: the character in the shift register is lost, the FIFO is kept.
            return;
        }
        rxFifo[(rxHead + rxCount) % FIFO_SIZE] = (byte) b;
        rxCount++;
        characterTimeout = false;
        restartTimeout();
    }

    private int readRbr() {
        if (rxCount == 0) {
            return 0;
        }
        int b = rxFifo[rxHead] & 0xFF;
        rxHead = (rxHead + 1) % FIFO_SIZE;
        rxCount--;
        characterTimeout = false;
        restartTimeout();
        updateIrq();
        return b;
    }

    /**
     * FIFO mode: a character waiting below the trigger level with no FIFO activity for four
     * character times raises the timeout indication (datasheet, "FIFO Interrupt Mode Operation").
     */
    private void restartTimeout() {
        if (timeoutTimer == null) {
            return;
        }
        if (fifoEnabled && rxCount > 0) {
            timeoutTimer.arm(clock.now() + 4 * characterNanos());
        } else {
            timeoutTimer.cancel();
        }
    }

    private void characterTimedOut() {
        if (fifoEnabled && rxCount > 0) {
            characterTimeout = true;
            updateIrq();
        }
    }

    /** Start bit, 5-8 data bits, optional parity, 1 or 2 stop bits, at 1.8432 MHz / (16 x divisor). */
    long characterNanos() {
        int bits = 1 + 5 + (lcr & 3) + ((lcr & 0x08) != 0 ? 1 : 0) + ((lcr & 0x04) != 0 ? 2 : 1);
        long div = divisor == 0 ? 0x10000 : divisor;
        return bits * div * 16 * VirtualClock.NANOS_PER_SECOND / CRYSTAL_HZ;
    }

    // ---- transmitter --------------------------------------------------------------------------

    /**
     * Sends a byte. The data is not cut to the LCR word length: the other end is a host byte
     * stream, not a wire, and guests that never program LCR (whose reset value means 5-bit
     * characters) still expect their text to arrive whole, as under QEMU.
     */
    private void transmit(int value) {
        int b = value & 0xFF;
        thrEmptyInterrupt = false;
        if (loopback()) {
            receive(b);
        } else {
            try {
                output.write(b);
                output.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("serial output failed", e);
            }
        }
        // The character moved on at once, so THR is empty again: THRE interrupt re-arms.
        thrEmptyInterrupt = true;
    }

    // ---- FIFO, line and modem control ---------------------------------------------------------

    private void writeFcr(int v) {
        boolean enable = (v & FCR_ENABLE) != 0;
        if (enable != fifoEnabled) {
            // Changing FCR bit 0 clears both FIFOs.
            clearReceiver();
        }
        fifoEnabled = enable;
        if (enable) {
            if ((v & FCR_CLEAR_RX) != 0) {
                clearReceiver();
            }
            triggerLevel = TRIGGER_LEVELS[v >> 6];
        } else {
            triggerLevel = 1;
        }
        // FCR_CLEAR_TX: the transmitter never holds data here.
        restartTimeout();
    }

    /**
     * LCR. Setting the break bit in loopback makes the receiver see a break: BI and a zero
     * character in the FIFO (datasheet, LSR bit 4). Outside loopback a break has no wire to go to.
     */
    private void writeLcr(int v) {
        boolean breakStarts = (v & LCR_BREAK) != 0 && (lcr & LCR_BREAK) == 0;
        lcr = v;
        if (breakStarts && loopback()) {
            lsrErrors |= LSR_BI;
            receive(0);
        }
    }

    private void clearReceiver() {
        rxHead = 0;
        rxCount = 0;
        characterTimeout = false;
    }

    private void writeMcr(int v) {
        mcr = v;
        int inputs = loopback() ? loopedModemInputs() : externalModemInputs();
        int changed = inputs ^ modemInputs;
        int deltas = (changed >> 4) & 0x0B; // DCTS, DDSR, DDCD
        if ((modemInputs & MSR_RI) != 0 && (inputs & MSR_RI) == 0) {
            deltas |= MSR_TERI; // trailing edge of RI
        }
        msrDeltas |= deltas;
        modemInputs = inputs;
    }

    /** In loopback the modem outputs feed the inputs: RTS to CTS, DTR to DSR, OUT1 to RI, OUT2 to DCD. */
    private int loopedModemInputs() {
        return ((mcr & MCR_RTS) != 0 ? MSR_CTS : 0) | ((mcr & MCR_DTR) != 0 ? MSR_DSR : 0)
            | ((mcr & MCR_OUT1) != 0 ? MSR_RI : 0) | ((mcr & MCR_OUT2) != 0 ? MSR_DCD : 0);
    }

    /** A terminal is connected: CTS, DSR and DCD asserted, no ring. */
    private static int externalModemInputs() {
        return MSR_CTS | MSR_DSR | MSR_DCD;
    }

    private int readLsr() {
        int value = (rxCount > 0 ? LSR_DR : 0) | lsrErrors | LSR_THRE | LSR_TEMT;
        lsrErrors = 0;
        updateIrq();
        return value;
    }

    private int readMsr() {
        int value = modemInputs | msrDeltas;
        msrDeltas = 0;
        updateIrq();
        return value;
    }

    // ---- interrupts ---------------------------------------------------------------------------

    /** The highest-priority pending interrupt identification (datasheet Table IV). */
    private int interruptId() {
        if ((ier & IER_ELSI) != 0 && (lsrErrors & LSR_ERRORS) != 0) {
            return IIR_RECEIVER_LINE_STATUS;
        }
        if ((ier & IER_ERBFI) != 0) {
            if (rxCount > 0 && rxCount >= triggerLevel) {
                return IIR_RECEIVED_DATA;
            }
            if (characterTimeout) {
                return IIR_CHARACTER_TIMEOUT;
            }
        }
        if ((ier & IER_ETBEI) != 0 && thrEmptyInterrupt) {
            return IIR_THR_EMPTY;
        }
        if ((ier & IER_EDSSI) != 0 && msrDeltas != 0) {
            return IIR_MODEM_STATUS;
        }
        return IIR_NO_INTERRUPT;
    }

    private int readIir() {
        int id = interruptId();
        if (id == IIR_THR_EMPTY) {
            // Reading IIR while THRE is the source clears that interrupt.
            thrEmptyInterrupt = false;
            updateIrq();
        }
        return id | (fifoEnabled ? IIR_FIFOS_ENABLED : 0);
    }

    private void updateIrq() {
        if (irq != null) {
            boolean outputEnabled = (mcr & MCR_OUT2) != 0 && !loopback();
            irq.set(outputEnabled && interruptId() != IIR_NO_INTERRUPT);
        }
    }

    /** Whether the UART's own INTRPT output is active (regardless of OUT2 gating). */
    public boolean interruptPending() {
        return interruptId() != IIR_NO_INTERRUPT;
    }
}
