package dev.hve.platform;

/** How devices tell the machine that the guest asked to stop: a debug exit, a reset, a power-off. */
public interface PowerEvents {

    /** The guest wrote {@code value} to the debug-exit port: the run ends with {@code (value << 1) | 1}. */
    void debugExit(int value);

    /** The guest asked for a system reset through {@code source} (the i8042, port 0x92, ...). */
    void resetRequested(String source);
}
