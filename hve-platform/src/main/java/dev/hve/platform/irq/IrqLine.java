package dev.hve.platform.irq;

/**
 * One device's interrupt output, wired by the board to the PIC pair and the IOAPIC. A device only
 * raises and lowers it; whether the controllers sample the edge or the level is their own
 * programming (ELCR, ICW1.LTIM, the IOAPIC trigger-mode bit). The line carries the logical
 * "asserted" state, so electrical polarity is not the device's concern.
 *
 * <p>An 8259A loses an edge request whose input falls before the acknowledge (8259A datasheet,
 * "Edge and level triggered modes"), so devices hold a line raised for as long as their interrupt
 * condition holds rather than pulsing it.
 */
public final class IrqLine {

    private final String name;
    private final IrqSink pic;
    private final int picPin;
    private final IrqSink ioapic;
    private final int ioapicPin;
    private boolean raised;

    /**
     * @param pic       the PIC pair or null; {@code picPin} is the ISA IRQ 0-15
     * @param ioapic    the IOAPIC or null; {@code ioapicPin} its input 0-23
     */
    public IrqLine(String name, IrqSink pic, int picPin, IrqSink ioapic, int ioapicPin) {
        this.name = name;
        this.pic = pic;
        this.picPin = picPin;
        this.ioapic = ioapic;
        this.ioapicPin = ioapicPin;
    }

    public String name() {
        return name;
    }

    public void raise() {
        set(true);
    }

    public void lower() {
        set(false);
    }

    public void set(boolean level) {
        if (level == raised) {
            return;
        }
        raised = level;
        if (pic != null) {
            pic.setPin(picPin, level);
        }
        if (ioapic != null) {
            ioapic.setPin(ioapicPin, level);
        }
    }

    public boolean isRaised() {
        return raised;
    }

    @Override
    public String toString() {
        return name + (raised ? " (raised)" : " (low)");
    }
}
