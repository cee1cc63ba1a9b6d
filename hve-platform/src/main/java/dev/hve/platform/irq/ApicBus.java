package dev.hve.platform.irq;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The system bus as APIC messages travel it: interrupt messages from the IOAPIC and IPIs from a
 * local APIC's ICR reach every local APIC the destination selects, and a local APIC's EOI for a
 * level-triggered vector is broadcast back to the IOAPIC. Delivery is instantaneous, so an ICR's
 * delivery status always reads idle.
 */
public final class ApicBus {

    private static final Logger LOG = LoggerFactory.getLogger(ApicBus.class);

    public static final int SHORTHAND_NONE = 0;
    public static final int SHORTHAND_SELF = 1;
    public static final int SHORTHAND_ALL_INCLUDING_SELF = 2;
    public static final int SHORTHAND_ALL_EXCLUDING_SELF = 3;

    private LocalApic[] apics = new LocalApic[0];
    private Ioapic ioapic;
    private boolean warnedUnsupported;

    /** Wires the local APICs, indexed by vCPU. */
    public void attach(LocalApic[] localApics) {
        this.apics = localApics.clone();
    }

    public void attach(Ioapic ioapic) {
        this.ioapic = ioapic;
    }

    /** An IPI from {@code source}'s ICR. */
    void sendIpi(LocalApic source, int shorthand, int destination, boolean logical, int mode, int vector) {
        switch (shorthand) {
            case SHORTHAND_SELF -> deliverTo(source, mode, vector, false);
            case SHORTHAND_ALL_INCLUDING_SELF, SHORTHAND_ALL_EXCLUDING_SELF -> {
                for (LocalApic apic : apics) {
                    if (apic.hardwareEnabled() && (apic != source || shorthand == SHORTHAND_ALL_INCLUDING_SELF)) {
                        deliverTo(apic, mode == MODE_LOWEST ? LocalApic.MODE_FIXED : mode, vector, false);
                    }
                }
            }
            default -> deliver(destination, logical, mode, vector, false);
        }
    }

    private static final int MODE_LOWEST = LocalApic.MODE_LOWEST_PRIORITY;

    /** An interrupt message for {@code destination}, as the IOAPIC or an ICR without shorthand sends it. */
    public void deliver(int destination, boolean logical, int mode, int vector, boolean levelTriggered) {
        if (mode == MODE_LOWEST) {
            // Lowest-priority arbitration: the matching APIC with the lowest task priority; ties go
            // to the lowest vCPU index, which keeps delivery deterministic.
            LocalApic chosen = null;
            for (LocalApic apic : apics) {
                if (apic.matches(destination, logical)
                    && (chosen == null || apic.taskPriority() < chosen.taskPriority())) {
                    chosen = apic;
                }
            }
            if (chosen != null) {
                chosen.acceptFixed(vector, levelTriggered);
            }
            return;
        }
        for (LocalApic apic : apics) {
            if (apic.matches(destination, logical)) {
                deliverTo(apic, mode, vector, levelTriggered);
            }
        }
    }

    private void deliverTo(LocalApic apic, int mode, int vector, boolean levelTriggered) {
        switch (mode) {
            case LocalApic.MODE_FIXED, LocalApic.MODE_LOWEST_PRIORITY -> apic.acceptFixed(vector, levelTriggered);
            case LocalApic.MODE_NMI -> apic.acceptNmi();
            case LocalApic.MODE_INIT -> apic.receiveInit();
            case LocalApic.MODE_STARTUP -> apic.receiveStartup(vector);
            default -> {
                if (!warnedUnsupported) {
                    warnedUnsupported = true;
                    LOG.warn("APIC delivery mode {} (SMI/ExtINT through the APIC bus) is not modeled; message dropped", mode);
                }
            }
        }
    }

    /** A local APIC's EOI of a level-triggered vector. */
    void broadcastEoi(int vector) {
        if (ioapic != null) {
            ioapic.endOfInterrupt(vector);
        }
    }
}
