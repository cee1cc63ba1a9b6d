package dev.hve.platform.irq;

import dev.hve.platform.clock.VirtualClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One vCPU's local APIC in xAPIC mode (Intel SDM Vol. 3A, chapter "Advanced Programmable Interrupt
 * Controller"; register map in the table "Local APIC Register Address Map"). Registers are 32 bits
 * wide at 16-byte strides from the APIC base; {@link LocalApicWindow} puts them on the MMIO bus.
 *
 * <p>The timer ({@link ApicTimer}) counts a 1 GHz bus clock ({@link #TIMER_HZ}) taken from the
 * {@link VirtualClock}, divided per the divide configuration register; TSC-deadline mode compares
 * against the clock's TSC. INIT and start-up IPIs are latched here for the machine to collect
 * with {@link #takeInit()} and {@link #takeStartupVector()}.
 */
public final class LocalApic {

    private static final Logger LOG = LoggerFactory.getLogger(LocalApic.class);

    public static final long DEFAULT_BASE = 0xFEE0_0000L;
    public static final int MMIO_SIZE = 0x1000;
    /** The timer's input clock before the divider. */
    public static final long TIMER_HZ = 1_000_000_000L;

    /** IA32_APIC_BASE bits (SDM "Local APIC Status and Location"). */
    public static final long BASE_BSP = 1L << 8;
    public static final long BASE_X2APIC = 1L << 10;
    public static final long BASE_ENABLE = 1L << 11;
    /** APIC base address bits 12 to MAXPHYADDR-1; we report a 36-bit physical address width. */
    public static final long BASE_ADDRESS_MASK = 0x0000_000F_FFFF_F000L;

    // Register offsets.
    static final int ID = 0x020;
    static final int VERSION = 0x030;
    static final int TPR = 0x080;
    static final int APR = 0x090;
    static final int PPR = 0x0A0;
    static final int EOI = 0x0B0;
    static final int RRD = 0x0C0;
    static final int LDR = 0x0D0;
    static final int DFR = 0x0E0;
    static final int SVR = 0x0F0;
    static final int ISR_BASE = 0x100;
    static final int TMR_BASE = 0x180;
    static final int IRR_BASE = 0x200;
    static final int ESR = 0x280;
    static final int ICR_LOW = 0x300;
    static final int ICR_HIGH = 0x310;
    static final int LVT_BASE = 0x320;
    static final int TIMER_INITIAL_COUNT = 0x380;
    static final int TIMER_CURRENT_COUNT = 0x390;
    static final int TIMER_DIVIDE = 0x3E0;

    /** LVT slots in register order from 0x320. */
    static final int LVT_TIMER = 0;
    static final int LVT_THERMAL = 1;
    static final int LVT_PERF = 2;
    static final int LVT_LINT0 = 3;
    static final int LVT_LINT1 = 4;
    static final int LVT_ERROR = 5;
    private static final int LVT_COUNT = 6;
    /** Writable bits per LVT slot: vector, delivery mode, polarity, trigger, mask, timer mode. */
    private static final int[] LVT_WRITABLE = {0x000700FF, 0x000107FF, 0x000107FF, 0x0001A7FF, 0x0001A7FF, 0x000100FF};
    public static final int LVT_MASKED = 1 << 16;
    private static final int LVT_LEVEL = 1 << 15;

    /** Version 0x14 (integrated APIC), max LVT entry 5 (six entries, no CMCI), no EOI-broadcast suppression. */
    private static final int VERSION_VALUE = 0x0005_0014;
    private static final int SVR_ENABLE = 1 << 8;

    // Delivery modes (ICR and LVT bits 10:8).
    public static final int MODE_FIXED = 0;
    public static final int MODE_LOWEST_PRIORITY = 1;
    public static final int MODE_SMI = 2;
    public static final int MODE_NMI = 4;
    public static final int MODE_INIT = 5;
    public static final int MODE_STARTUP = 6;
    public static final int MODE_EXTINT = 7;

    // Error status register bits (SDM "Error Handling").
    public static final int ESR_SEND_ILLEGAL_VECTOR = 1 << 5;
    public static final int ESR_RECEIVE_ILLEGAL_VECTOR = 1 << 6;
    public static final int ESR_ILLEGAL_REGISTER = 1 << 7;

    private final int index;
    private final int initialId;
    private final boolean bsp;
    private final ApicBus bus;
    private final ApicTimer timer;

    private long apicBase;
    private int id;
    private int tpr;
    private int ldr;
    private int dfr;
    private int svr;
    private int esr;
    private int esrPending;
    private int icrLow;
    private int icrHigh;
    private final int[] lvt = new int[LVT_COUNT];
    private final int[] irr = new int[8];
    private final int[] isr = new int[8];
    private final int[] tmr = new int[8];
    private boolean lint1Level;
    private boolean nmiPending;
    private boolean initReceived;
    private boolean waitForSipi;
    private int startupVector = -1;

    /**
     * @param index  the vCPU this APIC belongs to
     * @param apicId its initial APIC ID (CPUID.1:EBX[31:24] must agree)
     * @param bsp    whether it is the bootstrap processor's; the others start waiting for a SIPI
     */
    public LocalApic(int index, int apicId, boolean bsp, VirtualClock clock, ApicBus bus) {
        this.index = index;
        this.initialId = apicId;
        this.bsp = bsp;
        this.bus = bus;
        this.timer = new ApicTimer(clock, "lapic" + index + "-timer", () -> deliverLocal(LVT_TIMER));
        powerUp();
        waitForSipi = !bsp;
    }

    public int index() {
        return index;
    }

    public int id() {
        return id;
    }

    public boolean isBsp() {
        return bsp;
    }

    /**
     * Power-up state (SDM "Local APIC State After Power-Up or Reset"), plus what PC firmware leaves
     * behind before an OS runs, since there is no BIOS here: the BSP's LINT0 in ExtINT mode and
     * LINT1 in NMI mode, unmasked (the MP specification's virtual-wire mode), so the 8259 reaches
     * the CPU while the APIC itself is left untouched by the guest.
     */
    private void powerUp() {
        apicBase = DEFAULT_BASE | BASE_ENABLE | (bsp ? BASE_BSP : 0);
        id = initialId;
        resetRegisters();
        if (bsp) {
            lvt[LVT_LINT0] = MODE_EXTINT << 8;
            lvt[LVT_LINT1] = MODE_NMI << 8;
        }
    }

    /** The registers an INIT resets: everything but the APIC ID and IA32_APIC_BASE. */
    private void resetRegisters() {
        tpr = 0;
        ldr = 0;
        dfr = 0xFFFF_FFFF;
        svr = 0xFF;
        esr = 0;
        esrPending = 0;
        icrLow = 0;
        icrHigh = 0;
        for (int i = 0; i < LVT_COUNT; i++) {
            lvt[i] = LVT_MASKED;
        }
        for (int i = 0; i < 8; i++) {
            irr[i] = 0;
            isr[i] = 0;
            tmr[i] = 0;
        }
        timer.reset();
        nmiPending = false;
    }

    // ---- IA32_APIC_BASE -------------------------------------------------------------------

    public long apicBase() {
        return apicBase;
    }

    /** Where the register page currently is. */
    public long baseAddress() {
        return apicBase & BASE_ADDRESS_MASK;
    }

    /** IA32_APIC_BASE[11]: the APIC exists for the processor at all. */
    public boolean hardwareEnabled() {
        return (apicBase & BASE_ENABLE) != 0;
    }

    /** SVR[8]: the APIC software enable. */
    public boolean softwareEnabled() {
        return (svr & SVR_ENABLE) != 0;
    }

    /**
     * A WRMSR to IA32_APIC_BASE. Returns false when the value must raise #GP: reserved bits set,
     * or x2APIC mode requested (not implemented, so CPUID must not advertise it). Clearing the
     * global enable puts the APIC back in its power-up state, which is how it is found when
     * software sets the bit again (SDM "Enabling or Disabling the Local APIC").
     */
    public boolean writeApicBase(long value) {
        long allowed = BASE_ADDRESS_MASK | BASE_ENABLE | BASE_BSP;
        if ((value & ~allowed) != 0) {
            return false;
        }
        boolean wasEnabled = hardwareEnabled();
        if ((value & BASE_ADDRESS_MASK) != DEFAULT_BASE && (value & BASE_ADDRESS_MASK) != baseAddress()) {
            LOG.warn("vCPU {} moves its local APIC to 0x{}; relocation is not modeled, the registers stay at 0x{}",
                index, Long.toHexString(value & BASE_ADDRESS_MASK), Long.toHexString(DEFAULT_BASE));
        }
        apicBase = value;
        if (wasEnabled && !hardwareEnabled()) {
            long kept = apicBase;
            resetRegisters();
            id = initialId;
            apicBase = kept;
        }
        return true;
    }

    // ---- register interface ---------------------------------------------------------------

    /** Reads the 32-bit register at {@code offset} (a multiple of 16 below 0x400). */
    public int readRegister(int offset) {
        if (offset >= ISR_BASE && offset < ISR_BASE + 0x80) {
            return isr[(offset - ISR_BASE) >> 4];
        }
        if (offset >= TMR_BASE && offset < TMR_BASE + 0x80) {
            return tmr[(offset - TMR_BASE) >> 4];
        }
        if (offset >= IRR_BASE && offset < IRR_BASE + 0x80) {
            return irr[(offset - IRR_BASE) >> 4];
        }
        if (offset >= LVT_BASE && offset < LVT_BASE + LVT_COUNT * 0x10) {
            return lvt[(offset - LVT_BASE) >> 4];
        }
        return switch (offset) {
            case ID -> id << 24;
            case VERSION -> VERSION_VALUE;
            case TPR -> tpr;
            case APR -> 0;
            case PPR -> ppr();
            case EOI, RRD -> 0;
            case LDR -> ldr;
            case DFR -> dfr;
            case SVR -> svr;
            case ESR -> esr;
            case ICR_LOW -> icrLow;
            case ICR_HIGH -> icrHigh;
            case TIMER_INITIAL_COUNT -> timer.initialCount();
            case TIMER_CURRENT_COUNT -> timer.currentCount();
            case TIMER_DIVIDE -> timer.divideConfig();
            default -> {
                error(ESR_ILLEGAL_REGISTER);
                yield 0;
            }
        };
    }

    /** Writes the 32-bit register at {@code offset}; writes to read-only registers are ignored. */
    public void writeRegister(int offset, int value) {
        if (offset >= LVT_BASE && offset < LVT_BASE + LVT_COUNT * 0x10) {
            writeLvt((offset - LVT_BASE) >> 4, value);
            return;
        }
        switch (offset) {
            case ID -> id = value >>> 24;
            case TPR -> tpr = value & 0xFF;
            case EOI -> eoi();
            case LDR -> ldr = value & 0xFF00_0000;
            case DFR -> dfr = value | 0x0FFF_FFFF;
            case SVR -> writeSvr(value);
            case ESR -> {
                // A write latches the errors collected since the last one (SDM "Error Handling").
                esr = esrPending;
                esrPending = 0;
            }
            case ICR_LOW -> {
                icrLow = value & 0x000C_CFFF;
                sendIpi();
            }
            case ICR_HIGH -> icrHigh = value & 0xFF00_0000;
            case TIMER_INITIAL_COUNT -> timer.writeInitialCount(value);
            case TIMER_DIVIDE -> timer.writeDivide(value);
            case VERSION, PPR, APR, RRD, TIMER_CURRENT_COUNT -> { }
            default -> {
                boolean readOnlyArray = offset >= ISR_BASE && offset < IRR_BASE + 0x80;
                if (!readOnlyArray) {
                    error(ESR_ILLEGAL_REGISTER);
                }
            }
        }
    }

    private void writeSvr(int value) {
        svr = value & 0x3FF;
        if (!softwareEnabled()) {
            // Software disable masks every LVT entry (SDM "Local APIC State After It Has Been Software Disabled").
            for (int i = 0; i < LVT_COUNT; i++) {
                lvt[i] |= LVT_MASKED;
            }
        }
    }

    private void writeLvt(int slot, int value) {
        int v = value & LVT_WRITABLE[slot];
        if (!softwareEnabled()) {
            v |= LVT_MASKED;
        }
        int old = lvt[slot];
        lvt[slot] = (old & ~LVT_WRITABLE[slot]) | v;
        if (slot == LVT_TIMER) {
            timer.setMode((lvt[slot] >> 17) & 3);
        }
    }

    // ---- interrupt acceptance and the CPU side --------------------------------------------------

    /** A fixed-mode interrupt arriving from the bus or a local source. */
    public void acceptFixed(int vector, boolean levelTriggered) {
        if (!hardwareEnabled()) {
            return;
        }
        if (vector < 16) {
            error(ESR_RECEIVE_ILLEGAL_VECTOR);
            return;
        }
        setBit(irr, vector, true);
        setBit(tmr, vector, levelTriggered);
    }

    /** An NMI from the bus, LINT1 or an IPI. */
    public void acceptNmi() {
        nmiPending = true;
    }

    /** The processor priority register from TPR and the highest in-service vector. */
    public int ppr() {
        int isrv = highest(isr);
        if (isrv < 0 || (tpr >> 4) >= (isrv >> 4)) {
            return tpr;
        }
        return isrv & 0xF0;
    }

    /** The vector the APIC would present to the processor now, or -1. */
    public int pendingVector() {
        if (!hardwareEnabled() || !softwareEnabled()) {
            return -1;
        }
        int vector = highest(irr);
        if (vector < 0 || (vector >> 4) <= (ppr() >> 4)) {
            return -1;
        }
        return vector;
    }

    /** The processor took {@code vector}: it moves from IRR to ISR. */
    public void acknowledge(int vector) {
        setBit(irr, vector, false);
        setBit(isr, vector, true);
    }

    public boolean nmiPending() {
        return nmiPending;
    }

    public void acknowledgeNmi() {
        nmiPending = false;
    }

    /**
     * Whether the 8259's INT output reaches this processor: always when the APIC is globally
     * disabled (the INTR pin is then LINT0 itself), else when LINT0 is unmasked in ExtINT mode.
     */
    public boolean acceptsExtInt() {
        if (!hardwareEnabled()) {
            return true;
        }
        int lint0 = lvt[LVT_LINT0];
        return (lint0 & LVT_MASKED) == 0 && ((lint0 >> 8) & 7) == MODE_EXTINT;
    }

    /** Drives the LINT1 pin; a rising edge delivers per LVT LINT1 (normally NMI). */
    public void setLint1(boolean level) {
        boolean rising = level && !lint1Level;
        lint1Level = level;
        if (rising) {
            deliverLocal(LVT_LINT1);
        }
    }

    private void eoi() {
        int vector = highest(isr);
        if (vector < 0) {
            return;
        }
        setBit(isr, vector, false);
        if (getBit(tmr, vector)) {
            // Level-triggered: the EOI message lets the IOAPIC clear remote IRR.
            bus.broadcastEoi(vector);
        }
    }

    // ---- INIT / SIPI ------------------------------------------------------------------------

    void receiveInit() {
        resetRegisters();
        initReceived = true;
        waitForSipi = true;
        startupVector = -1;
    }

    /** A start-up IPI only counts while the processor waits for one, so the second SIPI of INIT-SIPI-SIPI is ignored once the first started it. */
    void receiveStartup(int vector) {
        if (waitForSipi) {
            startupVector = vector;
            waitForSipi = false;
        }
    }

    /** True once per INIT received: the machine must put the vCPU in wait-for-SIPI state. */
    public boolean takeInit() {
        boolean taken = initReceived;
        initReceived = false;
        return taken;
    }

    /**
     * The vector of a start-up IPI received while waiting for one, or -1; consumed by the call.
     * The vCPU starts in real mode at CS selector {@code vector << 8}, base {@code vector << 12}, IP 0.
     */
    public int takeStartupVector() {
        int vector = startupVector;
        startupVector = -1;
        return vector;
    }

    /** Whether an INIT or a start-up IPI waits for the machine to collect it. */
    public boolean initOrStartupPending() {
        return initReceived || startupVector >= 0;
    }

    /** Whether the processor is in wait-for-SIPI (APs from power-up, anyone after INIT). */
    public boolean waitingForStartup() {
        return waitForSipi;
    }

    private void sendIpi() {
        int vector = icrLow & 0xFF;
        int mode = (icrLow >> 8) & 7;
        boolean logical = (icrLow & (1 << 11)) != 0;
        boolean assertLevel = (icrLow & (1 << 14)) != 0;
        boolean levelTriggered = (icrLow & (1 << 15)) != 0;
        int shorthand = (icrLow >> 18) & 3;
        if (mode == MODE_INIT && levelTriggered && !assertLevel) {
            // INIT level de-assert: only synchronizes arbitration IDs on old APIC buses.
            return;
        }
        if ((mode == MODE_FIXED || mode == MODE_LOWEST_PRIORITY) && vector < 16) {
            error(ESR_SEND_ILLEGAL_VECTOR);
            return;
        }
        bus.sendIpi(this, shorthand, icrHigh >>> 24, logical, mode, vector);
    }

    /** Whether a message for {@code destination} addresses this APIC (SDM "Determining IPI Destination"). */
    boolean matches(int destination, boolean logical) {
        if (!hardwareEnabled()) {
            return false;
        }
        if (destination == 0xFF) {
            return true;
        }
        if (!logical) {
            return destination == id;
        }
        int logicalId = ldr >>> 24;
        if ((dfr >>> 28) == 0xF) {
            return (logicalId & destination) != 0;
        }
        return (destination >> 4) == (logicalId >> 4) && (destination & logicalId & 0xF) != 0;
    }

    int taskPriority() {
        return tpr;
    }

    // ---- timer (registers in ApicTimer) --------------------------------------------------------

    /** The timer's current-count register. */
    public int currentCount() {
        return timer.currentCount();
    }

    /** IA32_TSC_DEADLINE as RDMSR sees it: 0 outside TSC-deadline mode. */
    public long readTscDeadline() {
        return timer.readTscDeadline();
    }

    /** WRMSR IA32_TSC_DEADLINE: arms (or with 0 disarms) the timer in TSC-deadline mode; ignored otherwise. */
    public void writeTscDeadline(long value) {
        timer.writeTscDeadline(value);
    }

    // ---- local sources and errors --------------------------------------------------------------

    private void deliverLocal(int slot) {
        int entry = lvt[slot];
        if ((entry & LVT_MASKED) != 0 || !hardwareEnabled()) {
            return;
        }
        switch ((entry >> 8) & 7) {
            case MODE_FIXED -> acceptFixed(entry & 0xFF, slot >= LVT_LINT0 && slot <= LVT_LINT1 && (entry & LVT_LEVEL) != 0);
            case MODE_NMI -> acceptNmi();
            default -> { } // ExtINT on LINT0 is polled through acceptsExtInt(); SMI and INIT are not modeled locally.
        }
    }

    private void error(int bit) {
        boolean fresh = (esrPending & bit) == 0;
        esrPending |= bit;
        int entry = lvt[LVT_ERROR];
        // An illegal error vector would itself be an error: do not recurse on it.
        if (fresh && (entry & LVT_MASKED) == 0 && (entry & 0xFF) >= 16) {
            deliverLocal(LVT_ERROR);
        }
    }

    // ---- 256-bit register helpers ---------------------------------------------------------------

    private static void setBit(int[] bits, int vector, boolean value) {
        int mask = 1 << (vector & 31);
        if (value) {
            bits[vector >> 5] |= mask;
        } else {
            bits[vector >> 5] &= ~mask;
        }
    }

    private static boolean getBit(int[] bits, int vector) {
        return (bits[vector >> 5] & (1 << (vector & 31))) != 0;
    }

    private static int highest(int[] bits) {
        for (int i = 7; i >= 0; i--) {
            if (bits[i] != 0) {
                return i * 32 + 31 - Integer.numberOfLeadingZeros(bits[i]);
            }
        }
        return -1;
    }

    /** Whether {@code vector} is set in the IRR (for tests and diagnostics). */
    public boolean irrBit(int vector) {
        return getBit(irr, vector);
    }

    public boolean isrBit(int vector) {
        return getBit(isr, vector);
    }

    public boolean tmrBit(int vector) {
        return getBit(tmr, vector);
    }
}
