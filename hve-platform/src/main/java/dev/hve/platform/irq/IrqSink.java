package dev.hve.platform.irq;

/** An interrupt controller's input pins, as the board wires device lines to them. */
public interface IrqSink {

    /** Pin {@code pin} is now asserted or deasserted. Whether an edge or a level counts is the controller's business. */
    void setPin(int pin, boolean asserted);
}
