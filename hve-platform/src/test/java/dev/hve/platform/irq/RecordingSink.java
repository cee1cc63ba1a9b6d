package dev.hve.platform.irq;

/** An interrupt controller stand-in that remembers pin levels, for device tests. */
public final class RecordingSink implements IrqSink {

    private final boolean[] pins = new boolean[24];
    private int risingEdges;

    @Override
    public void setPin(int pin, boolean asserted) {
        if (asserted && !pins[pin]) {
            risingEdges++;
        }
        pins[pin] = asserted;
    }

    public boolean level(int pin) {
        return pins[pin];
    }

    public int risingEdges() {
        return risingEdges;
    }

    public IrqLine line(int pin) {
        return new IrqLine("test-irq" + pin, this, pin, null, 0);
    }
}
