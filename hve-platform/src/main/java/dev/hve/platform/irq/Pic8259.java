package dev.hve.platform.irq;

import dev.hve.platform.io.PortDevice;

/**
 * One Intel 8259A programmable interrupt controller (Intel 8259A datasheet, order 231468): eight
 * request inputs IR0-IR7, the IRR/ISR/IMR registers, the priority resolver, and the ICW1-ICW4 /
 * OCW1-OCW3 programming interface on two ports (offset 0 = A0 low, offset 1 = A0 high).
 *
 * <p>Only the x86 (8086) mode is meaningful on a PC; the 8080/8085 call-address format of ICW1
 * bit 2 and ICW2's low bits are accepted and ignored. The INTA sequence is {@link #acknowledge()},
 * done by {@link PicPair} on the CPU's behalf.
 */
public final class Pic8259 implements PortDevice {

    private static final int ICW1 = 0x10;
    private static final int ICW1_IC4 = 0x01;
    private static final int ICW1_SNGL = 0x02;
    private static final int ICW1_LTIM = 0x08;
    private static final int ICW4_AEOI = 0x02;
    private static final int ICW4_SFNM = 0x10;
    private static final int OCW3 = 0x08;
    private static final int OCW3_ESMM = 0x40;
    private static final int OCW3_SMM = 0x20;
    private static final int OCW3_POLL = 0x04;
    private static final int OCW3_RR = 0x02;
    private static final int OCW3_RIS = 0x01;
    /** Init sequence: 0 = operational; otherwise the ICW expected next. */
    private static final int READY = 0;
    private static final int EXPECT_ICW2 = 2;
    private static final int EXPECT_ICW3 = 3;
    private static final int EXPECT_ICW4 = 4;

    private final String name;
    private final boolean master;
    private final int elcrWritable;
    private Runnable outputListener = () -> { };

    /** Input levels as last driven onto IR0-7. */
    private int inputs;
    /** Edge-sense latches: a rising edge seen and not yet acknowledged (edge-triggered IRs only). */
    private int edgeLatched;
    private int isr;
    private int imr;
    private int elcr;
    private int vectorBase;
    private int icw3;
    private int initStep = READY;
    private boolean expectIcw4;
    private boolean singleMode;
    private boolean levelTriggeredMode;
    private boolean autoEoi;
    private boolean rotateInAutoEoi;
    private boolean specialFullyNested;
    private boolean specialMask;
    private boolean readIsr;
    private boolean pollCommand;
    /** The IR with the lowest priority; IR(lowestPriority+1) has the highest. 7 after ICW1. */
    private int lowestPriority = 7;

    /**
     * @param elcrWritable which IRs the board lets the ELCR make level-triggered (PIIX: 0xF8 on the
     *                     master, 0xDE on the slave, since IRQ0-2, 8 and 13 are edge-only)
     * @param master       whether slaves cascade into this chip (the board's SP/EN strapping)
     */
    public Pic8259(String name, boolean master, int elcrWritable) {
        this.name = name;
        this.master = master;
        this.elcrWritable = elcrWritable;
    }

    /** Called whenever the INT output may have changed; the pair wires the slave's to master IR2. */
    void onOutputChange(Runnable listener) {
        this.outputListener = listener;
    }

    @Override
    public String name() {
        return name;
    }

    /** Drives request input {@code ir}. */
    public void setInput(int ir, boolean high) {
        int bit = 1 << ir;
        boolean wasHigh = (inputs & bit) != 0;
        if (high) {
            if (!wasHigh) {
                edgeLatched |= bit;
            }
            inputs |= bit;
        } else {
            // The edge-sense latch only holds a request while the input stays high: a request that
            // goes away before INTA becomes the datasheet's "default IR7" spurious interrupt.
            inputs &= ~bit;
            edgeLatched &= ~bit;
        }
        outputListener.run();
    }

    /** The Interrupt Request Register as the priority resolver sees it. */
    public int irr() {
        int level = levelTriggeredMode ? 0xFF : elcr;
        return (edgeLatched & ~level) | (inputs & level);
    }

    public int isr() {
        return isr;
    }

    public int imr() {
        return imr;
    }

    public int elcr() {
        return elcr;
    }

    /** Writes the board's edge/level control register for this chip (PIIX ELCR1/ELCR2). */
    public void setElcr(int value) {
        elcr = value & elcrWritable;
        outputListener.run();
    }

    public int vectorBase() {
        return vectorBase;
    }

    /** The INT output: a request that beats everything in service. */
    public boolean intOutput() {
        return highestRequest() >= 0;
    }

    /**
     * The IR the priority resolver would hand to the next INTA, or -1. In the fully nested mode a
     * request must outrank the highest in-service level; special mask mode ignores in-service
     * levels that are masked; special fully nested mode lets a cascade input interrupt itself so a
     * slave's higher request can nest (8259A datasheet, "Special Fully Nest Mode").
     */
    public int highestRequest() {
        int requests = irr() & ~imr;
        if (requests == 0) {
            return -1;
        }
        int candidate = highestPriority(requests);
        int blocking = specialMask ? isr & ~imr : isr;
        if (specialFullyNested && master) {
            blocking &= ~(icw3 & (1 << candidate));
        }
        int inService = highestPriority(blocking);
        if (inService >= 0 && priority(inService) <= priority(candidate)) {
            return -1;
        }
        return candidate;
    }

    /**
     * The INTA sequence: returns the IR acknowledged, or 7 without touching the ISR when nothing
     * is requesting any more (the spurious IR7 the datasheet describes).
     */
    public int acknowledge() {
        int ir = highestRequest();
        if (ir < 0) {
            return 7;
        }
        edgeLatched &= ~(1 << ir);
        if (autoEoi) {
            if (rotateInAutoEoi) {
                lowestPriority = ir;
            }
        } else {
            isr |= 1 << ir;
        }
        outputListener.run();
        return ir;
    }

    /** Whether ICW3 declares a slave on {@code ir} (meaningful on a master). */
    public boolean hasSlaveOn(int ir) {
        return master && !singleMode && (icw3 & (1 << ir)) != 0;
    }

    @Override
    public long read(int offset, int size) {
        if (pollCommand) {
            // OCW3 poll: the next read returns I + W2-W0 and counts as an INTA.
            pollCommand = false;
            int ir = highestRequest();
            if (ir < 0) {
                return 0;
            }
            acknowledge();
            return 0x80 | ir;
        }
        if ((offset & 1) == 1) {
            return imr;
        }
        return readIsr ? isr : irr();
    }

    @Override
    public void write(int offset, int size, long value) {
        int v = (int) value & 0xFF;
        if ((offset & 1) == 0) {
            if ((v & ICW1) != 0) {
                icw1(v);
            } else if ((v & OCW3) != 0) {
                ocw3(v);
            } else {
                ocw2(v);
            }
        } else {
            switch (initStep) {
                case EXPECT_ICW2 -> {
                    // In x86 mode T7-T3 give the vector base; IR number fills bits 2-0.
                    vectorBase = v & 0xF8;
                    initStep = !singleMode ? EXPECT_ICW3 : expectIcw4 ? EXPECT_ICW4 : READY;
                }
                case EXPECT_ICW3 -> {
                    icw3 = v;
                    initStep = expectIcw4 ? EXPECT_ICW4 : READY;
                }
                case EXPECT_ICW4 -> {
                    autoEoi = (v & ICW4_AEOI) != 0;
                    specialFullyNested = (v & ICW4_SFNM) != 0;
                    initStep = READY;
                }
                default -> imr = v; // OCW1
            }
        }
        outputListener.run();
    }

    /**
     * ICW1 starts the sequence. The datasheet lists what it does: edge sense reset, IMR cleared,
     * IR7 lowest priority, special mask mode off, status read set to IRR, ICW4 functions zeroed
     * when IC4 = 0. It leaves the ISR unspecified; we clear it, since a guest re-initializing the
     * controller expects nothing still in service from the previous owner.
     */
    private void icw1(int v) {
        initStep = EXPECT_ICW2;
        expectIcw4 = (v & ICW1_IC4) != 0;
        singleMode = (v & ICW1_SNGL) != 0;
        levelTriggeredMode = (v & ICW1_LTIM) != 0;
        edgeLatched = 0;
        imr = 0;
        isr = 0;
        lowestPriority = 7;
        specialMask = false;
        readIsr = false;
        pollCommand = false;
        if (!expectIcw4) {
            autoEoi = false;
            specialFullyNested = false;
        }
        rotateInAutoEoi = false;
        if (singleMode) {
            icw3 = 0;
        }
    }

    /** OCW2: R, SL, EOI in bits 7-5, the level in bits 2-0. */
    private void ocw2(int v) {
        int level = v & 7;
        switch (v >> 5) {
            case 0b001 -> eoi(highestPriority(isr), false);   // non-specific EOI
            case 0b011 -> eoi(level, false);                  // specific EOI
            case 0b101 -> eoi(highestPriority(isr), true);    // rotate on non-specific EOI
            case 0b111 -> eoi(level, true);                   // rotate on specific EOI
            case 0b100 -> rotateInAutoEoi = true;
            case 0b000 -> rotateInAutoEoi = false;
            case 0b110 -> lowestPriority = level;             // set priority
            default -> { } // 0b010: no operation
        }
    }

    private void eoi(int ir, boolean rotate) {
        if (ir < 0) {
            return;
        }
        isr &= ~(1 << ir);
        if (rotate) {
            lowestPriority = ir;
        }
    }

    private void ocw3(int v) {
        if ((v & OCW3_ESMM) != 0) {
            specialMask = (v & OCW3_SMM) != 0;
        }
        if ((v & OCW3_RR) != 0) {
            readIsr = (v & OCW3_RIS) != 0;
        }
        pollCommand = (v & OCW3_POLL) != 0;
    }

    /** 0 is the highest priority, 7 the lowest. */
    private int priority(int ir) {
        return (ir - lowestPriority - 1) & 7;
    }

    private int highestPriority(int mask) {
        if (mask == 0) {
            return -1;
        }
        for (int p = 0; p < 8; p++) {
            int ir = (lowestPriority + 1 + p) & 7;
            if ((mask & (1 << ir)) != 0) {
                return ir;
            }
        }
        return -1;
    }
}
