package dev.hve.platform.irq;

import dev.hve.platform.mmio.MmioDevice;

/**
 * An Intel 82093AA I/O APIC (datasheet order 290566): 24 interrupt input pins, each with a 64-bit
 * redirection entry that turns an assertion into an interrupt message on the {@link ApicBus}.
 * Software reaches the registers indirectly: write the index to IOREGSEL (offset 0x00), then read
 * or write IOWIN (offset 0x10).
 */
public final class Ioapic implements MmioDevice, IrqSink {

    public static final long DEFAULT_BASE = 0xFEC0_0000L;
    public static final int MMIO_SIZE = 0x1000;
    public static final int PINS = 24;

    static final int IOREGSEL = 0x00;
    static final int IOWIN = 0x10;
    static final int IOAPICID = 0x00;
    static final int IOAPICVER = 0x01;
    static final int IOAPICARB = 0x02;
    static final int IOREDTBL = 0x10;
    /** Version 0x11 with the maximum redirection entry (23) in bits 23:16. */
    private static final int VERSION_VALUE = ((PINS - 1) << 16) | 0x11;

    private static final long VECTOR = 0xFF;
    private static final long DESTINATION_LOGICAL = 1L << 11;
    private static final long DELIVERY_STATUS = 1L << 12;
    private static final long REMOTE_IRR = 1L << 14;
    private static final long LEVEL = 1L << 15;
    private static final long MASKED = 1L << 16;
    /** Everything but the read-only delivery status and remote IRR. */
    private static final long WRITABLE = ~(DELIVERY_STATUS | REMOTE_IRR) & 0xFF00_0000_0001_AFFFL;

    private final ApicBus bus;
    private final long[] redirection = new long[PINS];
    private int asserted;
    private int id;
    private int ioregsel;

    public Ioapic(ApicBus bus) {
        this.bus = bus;
        // Every entry comes out of reset masked.
        for (int i = 0; i < PINS; i++) {
            redirection[i] = MASKED;
        }
        bus.attach(this);
    }

    @Override
    public String name() {
        return "ioapic";
    }

    @Override
    public long read(long offset, int size) {
        if (offset == IOREGSEL) {
            return ioregsel;
        }
        if (offset == IOWIN) {
            return readRegister(ioregsel) & 0xFFFF_FFFFL;
        }
        return 0;
    }

    @Override
    public void write(long offset, int size, long value) {
        if (offset == IOREGSEL) {
            ioregsel = (int) value & 0xFF;
        } else if (offset == IOWIN) {
            writeRegister(ioregsel, (int) value);
        }
    }

    int readRegister(int index) {
        if (index >= IOREDTBL && index < IOREDTBL + 2 * PINS) {
            long entry = redirection[(index - IOREDTBL) >> 1];
            return (index & 1) == 0 ? (int) entry : (int) (entry >>> 32);
        }
        return switch (index) {
            case IOAPICID -> id << 24;
            case IOAPICVER -> VERSION_VALUE;
            case IOAPICARB -> id << 24;
            default -> 0;
        };
    }

    void writeRegister(int index, int value) {
        if (index >= IOREDTBL && index < IOREDTBL + 2 * PINS) {
            int pin = (index - IOREDTBL) >> 1;
            long old = redirection[pin];
            long v = value & 0xFFFF_FFFFL;
            long merged = (index & 1) == 0 ? (old & 0xFFFF_FFFF_0000_0000L) | v : (old & 0xFFFF_FFFFL) | (v << 32);
            long entry = (merged & WRITABLE) | (old & REMOTE_IRR);
            if ((entry & LEVEL) == 0) {
                entry &= ~REMOTE_IRR;
            }
            redirection[pin] = entry;
            // A level input still asserted when its entry is unmasked is delivered at once.
            serviceLevel(pin);
        } else if (index == IOAPICID) {
            id = (value >>> 24) & 0xF;
        }
    }

    /** Drives input pin {@code pin}. */
    @Override
    public void setPin(int pin, boolean level) {
        int bit = 1 << pin;
        boolean was = (asserted & bit) != 0;
        asserted = level ? asserted | bit : asserted & ~bit;
        long entry = redirection[pin];
        if ((entry & LEVEL) != 0) {
            serviceLevel(pin);
        } else if (level && !was && (entry & MASKED) == 0) {
            // Edges arriving while the pin is masked are lost (82093AA, "Interrupt Mask").
            send(entry, false);
        }
    }

    /**
     * A local APIC's EOI for {@code vector}: level entries with that vector clear remote IRR, and
     * one whose input is still asserted interrupts again.
     */
    public void endOfInterrupt(int vector) {
        for (int pin = 0; pin < PINS; pin++) {
            long entry = redirection[pin];
            if ((entry & REMOTE_IRR) != 0 && (entry & VECTOR) == vector) {
                redirection[pin] = entry & ~REMOTE_IRR;
                serviceLevel(pin);
            }
        }
    }

    private void serviceLevel(int pin) {
        long entry = redirection[pin];
        if ((entry & LEVEL) == 0 || (entry & MASKED) != 0 || (entry & REMOTE_IRR) != 0
            || (asserted & (1 << pin)) == 0) {
            return;
        }
        redirection[pin] = entry | REMOTE_IRR;
        send(entry, true);
    }

    private void send(long entry, boolean level) {
        int mode = (int) (entry >> 8) & 7;
        bus.deliver((int) (entry >>> 56), (entry & DESTINATION_LOGICAL) != 0, mode, (int) (entry & VECTOR), level);
    }

    /** The redirection entry of {@code pin}, for tests and diagnostics. */
    public long redirectionEntry(int pin) {
        return redirection[pin];
    }
}
