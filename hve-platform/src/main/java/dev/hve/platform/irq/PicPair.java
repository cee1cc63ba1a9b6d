package dev.hve.platform.irq;

import dev.hve.platform.io.IoPortBus;
import dev.hve.platform.io.PortDevice;

/**
 * The PC/AT's two cascaded 8259As: the master at ports 0x20/0x21 takes ISA IRQ0-7, the slave at
 * 0xA0/0xA1 takes IRQ8-15 and drives the master's IR2 with its INT output. The PIIX edge/level
 * control registers (ELCR1/ELCR2 at 0x4D0/0x4D1) choose the trigger mode per IRQ.
 *
 * <p>The CPU side is {@link #interruptRequested()} (the master's INT pin) and the INTA cycle
 * {@link #acknowledge()}, which returns the vector the controllers put on the bus.
 */
public final class PicPair implements IrqSink {

    public static final int MASTER_PORT = 0x20;
    public static final int SLAVE_PORT = 0xA0;
    public static final int ELCR_PORT = 0x4D0;
    public static final int CASCADE_IR = 2;

    private final Pic8259 master = new Pic8259("pic-master", true, 0xF8);
    private final Pic8259 slave = new Pic8259("pic-slave", false, 0xDE);

    public PicPair() {
        slave.onOutputChange(() -> master.setInput(CASCADE_IR, slave.intOutput()));
    }

    /** Claims 0x20-0x21, 0xA0-0xA1 and 0x4D0-0x4D1. */
    public void register(IoPortBus bus) {
        bus.register(MASTER_PORT, 2, master);
        bus.register(SLAVE_PORT, 2, slave);
        bus.register(ELCR_PORT, 2, new Elcr());
    }

    public Pic8259 master() {
        return master;
    }

    public Pic8259 slave() {
        return slave;
    }

    /** Drives ISA IRQ {@code irq} (0-15). IRQ2 is the cascade and has no device of its own. */
    @Override
    public void setPin(int irq, boolean asserted) {
        if (irq < 8) {
            if (irq != CASCADE_IR) {
                master.setInput(irq, asserted);
            }
        } else {
            slave.setInput(irq - 8, asserted);
        }
    }

    /** The master's INT output, which reaches the CPU's INTR (or LINT0 in ExtINT mode). */
    public boolean interruptRequested() {
        return master.intOutput();
    }

    /** The vector the next INTA would return, without acknowledging; -1 when INT is low. */
    public int peekVector() {
        int ir = master.highestRequest();
        if (ir < 0) {
            return -1;
        }
        if (ir == CASCADE_IR && master.hasSlaveOn(CASCADE_IR)) {
            int slaveIr = slave.highestRequest();
            return slave.vectorBase() + (slaveIr < 0 ? 7 : slaveIr);
        }
        return master.vectorBase() + ir;
    }

    /** The INTA cycle: the master resolves, and a cascaded request lets the slave supply the vector. */
    public int acknowledge() {
        int ir = master.acknowledge();
        if (ir == CASCADE_IR && master.hasSlaveOn(CASCADE_IR)) {
            return slave.vectorBase() + slave.acknowledge();
        }
        return master.vectorBase() + ir;
    }

    /** ELCR1 (offset 0, IRQ0-7) and ELCR2 (offset 1, IRQ8-15); a set bit means level-triggered. */
    private final class Elcr implements PortDevice {
        @Override
        public String name() {
            return "elcr";
        }

        @Override
        public long read(int offset, int size) {
            long value = 0;
            for (int i = 0; i < size && offset + i < 2; i++) {
                value |= (long) chip(offset + i).elcr() << (8 * i);
            }
            return value;
        }

        @Override
        public void write(int offset, int size, long value) {
            for (int i = 0; i < size && offset + i < 2; i++) {
                chip(offset + i).setElcr((int) (value >> (8 * i)) & 0xFF);
            }
        }

        private Pic8259 chip(int offset) {
            return offset == 0 ? master : slave;
        }
    }
}
