package dev.hve.platform;

/**
 * Limits on one run.
 *
 * @param maxInstructions stop after this many retired instructions; 0 for no limit
 * @param timeoutMillis   stop after this much wall time; 0 for no limit
 */
public record RunLimits(long maxInstructions, long timeoutMillis) {

    public static final RunLimits NONE = new RunLimits(0, 0);

    public RunLimits {
        if (maxInstructions < 0 || timeoutMillis < 0) {
            throw new IllegalArgumentException("limits must not be negative");
        }
    }
}
