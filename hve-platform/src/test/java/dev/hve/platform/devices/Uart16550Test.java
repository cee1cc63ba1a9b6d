package dev.hve.platform.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hve.platform.clock.VirtualClock;
import dev.hve.platform.io.IoPortBus;
import dev.hve.platform.irq.RecordingSink;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Uart16550Test {

    private static final int THR = 0x3F8;
    private static final int IER = 0x3F9;
    private static final int IIR = 0x3FA;
    private static final int LCR = 0x3FB;
    private static final int MCR = 0x3FC;
    private static final int LSR = 0x3FD;
    private static final int MSR = 0x3FE;
    private static final int SCR = 0x3FF;

    private final VirtualClock clock = VirtualClock.instructionDriven();
    private final RecordingSink pic = new RecordingSink();
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final IoPortBus bus = new IoPortBus();

    private Uart16550 uart(SerialInput input) {
        Uart16550 uart = new Uart16550(output, input, pic.line(4), clock);
        bus.register(Uart16550.COM1, Uart16550.REGISTER_COUNT, uart);
        return uart;
    }

    private int in(int port) {
        return (int) bus.read(port, 1);
    }

    private void out(int port, int value) {
        bus.write(port, 1, value);
    }

    @Test
    void transmittedBytesReachTheOutputAndTheTransmitterIsAlwaysEmpty() {
        uart(SerialInput.none());
        for (byte b : "ok\n".getBytes(StandardCharsets.US_ASCII)) {
            out(THR, b);
        }
        assertEquals("ok\n", output.toString(StandardCharsets.US_ASCII));
        assertEquals(0x60, in(LSR), "THRE and TEMT, no data");
        assertEquals(0x01, in(IIR), "no interrupt, FIFOs off");
    }

    @Test
    void divisorLatchHidesBehindDlab() {
        uart(SerialInput.none());
        out(LCR, 0x83);
        out(THR, 0x01);
        out(IER, 0x00);
        assertEquals(0x01, in(THR));
        assertEquals(0x00, in(IER));
        out(LCR, 0x03);
        out(IER, 0x05);
        assertEquals(0x05, in(IER));
        assertEquals("", output.toString(StandardCharsets.US_ASCII), "divisor writes transmit nothing");
        out(SCR, 0x5A);
        assertEquals(0x5A, in(SCR));
    }

    @Test
    void loopbackFeedsTheReceiverAndNotTheLine() {
        uart(SerialInput.none());
        out(LCR, 0x03);
        out(MCR, 0x10);
        out(THR, 'A');
        assertEquals(0x61, in(LSR), "data ready");
        assertEquals('A', in(THR));
        assertEquals(0x60, in(LSR));
        assertEquals(0, output.size());
    }

    @Test
    void fifoHoldsSixteenBytesAndReportsOverrun() {
        uart(SerialInput.none());
        out(LCR, 0x03);
        out(0x3FA, 0xC7); // FCR: enable, clear both, trigger 14
        out(MCR, 0x10);
        for (int i = 0; i < 17; i++) {
            out(THR, 'a' + i);
        }
        assertEquals(0x63, in(LSR), "DR and OE");
        assertEquals(0x61, in(LSR), "reading LSR clears OE");
        for (int i = 0; i < 16; i++) {
            assertEquals('a' + i, in(THR), "FIFO order, the 17th byte lost");
        }
        assertEquals(0x60, in(LSR));
    }

    @Test
    void anUnprogrammedUartStillSendsWholeBytes() {
        uart(SerialInput.none());
        out(THR, 0xC1); // LCR = 0 would mean 5-bit characters on a wire
        assertEquals(0xC1, output.toByteArray()[0] & 0xFF);
    }

    @Test
    void interruptIdentificationFollowsThePriorityOrder() {
        uart(SerialInput.none());
        out(LCR, 0x03);
        out(0x3FA, 0x01); // FIFO on, trigger 1
        out(MCR, 0x10 | 0x02); // loopback, RTS: CTS changes
        out(IER, 0x0F);
        for (int i = 0; i < 17; i++) {
            out(THR, 'x');
        }
        assertEquals(0xC6, in(IIR), "receiver line status (overrun) first");
        in(LSR);
        assertEquals(0xC4, in(IIR), "then received data");
        for (int i = 0; i < 16; i++) {
            in(THR);
        }
        assertEquals(0xC2, in(IIR), "then THR empty");
        assertEquals(0xC0, in(IIR), "reading IIR cleared THRE: modem status remains");
        assertEquals(0x1A, in(MSR), "CTS stays (RTS looped), DSR and DCD drop: their deltas");
        assertEquals(0xC1, in(IIR), "nothing left");
    }

    @Test
    void thrEmptyInterruptRaisesIrq4OnlyThroughOut2() {
        uart(SerialInput.none());
        out(IER, 0x02);
        assertFalse(pic.level(4), "OUT2 closed");
        out(MCR, 0x08);
        assertTrue(pic.level(4), "enabling ETBEI with THR empty interrupts at once");
        assertEquals(0x02, in(IIR));
        assertFalse(pic.level(4), "IIR read cleared it");
        out(THR, 'z');
        assertTrue(pic.level(4), "the byte left at once: THR empty again");
        out(MCR, 0x18);
        assertFalse(pic.level(4), "loopback forces the OUT2 pin inactive");
    }

    @Test
    void inputArrivesOneCharacterTimeApartAndRaisesReceivedData() {
        Uart16550 uart = uart(SerialInput.scripted("hey".getBytes(StandardCharsets.US_ASCII)));
        out(LCR, 0x83);
        out(THR, 1); // 115200 baud
        out(IER, 0);
        out(LCR, 0x03);
        out(0x3FA, 0x07); // FIFO on, trigger level 1
        out(MCR, 0x0A); // OUT2 gates the IRQ, RTS lets the host send
        out(IER, 0x01);
        long charNanos = uart.characterNanos();
        assertEquals(10L * 16 * 1_000_000_000L / 1_843_200, charNanos);
        uart.pollInput();
        clock.advance(charNanos - 1);
        assertEquals(0x60, in(LSR), "not before one character time");
        clock.advance(1);
        assertTrue(pic.level(4));
        assertEquals(0xC4, in(IIR));
        assertEquals('h', in(THR));
        assertFalse(pic.level(4));
        clock.advance(charNanos);
        clock.advance(charNanos);
        assertEquals('e', in(THR));
        assertEquals('y', in(THR));
        clock.advance(10 * charNanos);
        assertEquals(0x60, in(LSR), "input exhausted");
    }

    @Test
    void withoutFifosTheReceiverHoldsOneByteAndInputWaits() {
        Uart16550 uart = uart(SerialInput.scripted("ab".getBytes(StandardCharsets.US_ASCII)));
        out(LCR, 0x03);
        out(MCR, 0x02);
        uart.pollInput();
        clock.advance(10 * uart.characterNanos());
        assertEquals(0x61, in(LSR), "one byte, no overrun: the host side waits");
        assertEquals('a', in(THR));
        clock.advance(uart.characterNanos());
        assertEquals('b', in(THR));
    }

    @Test
    void theHostSendsOnlyWhileRtsIsAsserted() {
        Uart16550 uart = uart(SerialInput.scripted("xyz".getBytes(StandardCharsets.US_ASCII)));
        out(LCR, 0x03);
        out(0x3FA, 0x07);
        out(MCR, 0x09); // DTR and OUT2 but not RTS, as Linux's console has it before a tty opens
        uart.pollInput();
        clock.advance(10 * uart.characterNanos());
        assertEquals(0x60, in(LSR), "flow control holds the input back");
        out(MCR, 0x0B);
        uart.pollInput();
        clock.advance(uart.characterNanos());
        assertEquals(0x61, in(LSR));
        assertEquals('x', in(THR));
        out(MCR, 0x09);
        clock.advance(10 * uart.characterNanos());
        assertEquals('y', in(THR), "the character already on the line when RTS dropped");
        clock.advance(10 * uart.characterNanos());
        assertEquals(0x60, in(LSR), "RTS dropped: the host sends nothing more");
    }

    @Test
    void characterTimeoutReportsBytesBelowTheTriggerLevel() {
        Uart16550 uart = uart(SerialInput.scripted(new byte[] {'q'}));
        out(LCR, 0x03);
        out(0x3FA, 0x81); // FIFO, trigger 8
        out(MCR, 0x0A); // OUT2 gates the IRQ, RTS lets the host send
        out(IER, 0x01);
        uart.pollInput();
        long charNanos = uart.characterNanos();
        clock.advance(charNanos);
        assertEquals(0xC1, in(IIR), "one byte is below the trigger level");
        clock.advance(4 * charNanos);
        assertEquals(0xCC, in(IIR), "character timeout");
        assertTrue(pic.level(4));
        assertEquals('q', in(THR));
        assertEquals(0xC1, in(IIR));
    }

    @Test
    void modemStatusInLoopbackFollowsTheModemControlOutputs() {
        uart(SerialInput.none());
        assertEquals(0xB0, in(MSR), "a terminal: CTS, DSR, DCD");
        out(MCR, 0x10);
        assertEquals(0x0B, in(MSR), "loopback drops them: all three deltas");
        out(MCR, 0x10 | 0x0F);
        assertEquals(0xFB, in(MSR), "DTR->DSR, RTS->CTS, OUT1->RI, OUT2->DCD");
        out(MCR, 0x10 | 0x0B);
        assertEquals(0xB4, in(MSR), "RI trailing edge");
    }

    @Test
    void breakInLoopbackIsAReceiverLineStatusInterrupt() {
        uart(SerialInput.none());
        out(LCR, 0x03);
        out(MCR, 0x10);
        out(IER, 0x05); // received data and line status
        out(LCR, 0x43); // set break
        assertEquals(0x06, in(IIR), "line status outranks the received zero");
        assertEquals(0x71, in(LSR), "BI with the zero character");
        assertEquals(0x04, in(IIR));
        assertEquals(0, in(THR));
    }

    @Test
    void receivedDataWaitsForTheTriggerLevelAndFcrClearsTheFifo() {
        uart(SerialInput.none());
        out(LCR, 0x03);
        out(0x3FA, 0x41); // FIFO, trigger level 4
        out(MCR, 0x10);
        out(IER, 0x01);
        for (int i = 0; i < 3; i++) {
            out(THR, '0' + i);
        }
        assertEquals(0xC1, in(IIR), "three bytes are below the trigger");
        out(THR, '3');
        assertEquals(0xC4, in(IIR));
        out(0x3FA, 0x43); // clear the receive FIFO
        assertEquals(0x60, in(LSR));
        assertEquals(0xC1, in(IIR));
    }

    @Test
    void without16550FifosANewByteOverwritesTheUnreadOne() {
        uart(SerialInput.none());
        out(LCR, 0x03);
        out(MCR, 0x10);
        out(THR, 'a');
        out(THR, 'b');
        assertEquals(0x63, in(LSR), "overrun");
        assertEquals('b', in(THR));
    }
}
