package dev.hve.vmx.capability;

/**
 * The allowed settings of one 32-bit control field, as a capability MSR reports them
 * (Intel SDM Vol. 3C Appendix A.3-A.5): bits 31:0 the allowed 0-settings (a bit set there must
 * be 1), bits 63:32 the allowed 1-settings (a bit clear there must be 0).
 */
public record ControlCapability(int allowed0, int allowed1) {

    public ControlCapability {
        if ((allowed0 & ~allowed1) != 0) {
            throw new IllegalArgumentException("a control required to be 1 is not allowed to be 1");
        }
    }

    /** The MSR value: allowed 0-settings in bits 31:0, allowed 1-settings in bits 63:32. */
    public long msrValue() {
        return ((long) allowed1 << 32) | (allowed0 & 0xFFFF_FFFFL);
    }

    /** True when {@code value} sets every required bit and no forbidden one. */
    public boolean permits(int value) {
        return (value & allowed0) == allowed0 && (value & ~allowed1) == 0;
    }

    /** A capability read back from a capability-MSR value. */
    public static ControlCapability fromMsr(long msr) {
        return new ControlCapability((int) msr, (int) (msr >>> 32));
    }
}
