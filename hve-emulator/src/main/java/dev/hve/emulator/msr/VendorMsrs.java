package dev.hve.emulator.msr;

import java.util.Arrays;

/**
 * The model-specific registers that only one vendor's processors implement: Intel's (SDM Vol. 4,
 * "Architectural MSRs" and the family 6 tables) or AMD's (APM Vol. 2 appendix A; BKDG/PPR for
 * family 17h). On the other vendor's processor each of them raises #GP(0).
 *
 * <p>Which set a processor has follows its CPUID vendor. The core's {@link MsrModel} uses the set
 * of the CPU model it is built with; a monitor that shows its guest another CPU model than the
 * host's intercepts {@link #allIndices() all of them} and answers from an instance made for the
 * guest's vendor, as KVM does (its guest MSR set follows the guest's CPUID, not the host's).
 */
public final class VendorMsrs {

    public static final int IA32_PLATFORM_ID = 0x17;
    public static final int IA32_FEATURE_CONTROL = 0x3A;
    public static final int MSR_PLATFORM_INFO = 0xCE;
    public static final int IA32_ARCH_CAPABILITIES = 0x10A;
    public static final int IA32_MISC_ENABLE = 0x1A0;
    /** AMD: SYSCFG (APM Vol. 2 §7.9.1), read by Linux's MTRR code on AMD processors. */
    public static final int SYSCFG = 0xC001_0010;
    /** AMD: HWCR. */
    public static final int HWCR = 0xC001_0015;
    /** AMD: VM_CR and VM_HSAVE_PA (APM Vol. 2 §15.30). */
    public static final int VM_CR = 0xC001_0114;
    public static final int VM_HSAVE_PA = 0xC001_0117;

    /** MISC_ENABLE's reset value: fast strings enabled (SDM Vol. 4, IA32_MISC_ENABLE bit 0). */
    private static final long MISC_ENABLE_RESET = 1;
    /** MSR_PLATFORM_INFO: maximum non-turbo ratio 30 (bits 15:8), a 3.0 GHz part at 100 MHz. */
    private static final long PLATFORM_INFO = 30L << 8;

    /**
     * Intel MSRs: PLATFORM_ID and PLATFORM_INFO and ARCH_CAPABILITIES (read-only), FEATURE_CONTROL
     * (write-once), MISC_ENABLE, and as plain storage SMI_COUNT (0x34), PERF_STATUS/PERF_CTL
     * (0x198/0x199), THERM_STATUS (0x19C) and ENERGY_PERF_BIAS (0x1B0).
     */
    private static final int[] INTEL = {IA32_PLATFORM_ID, 0x34, IA32_FEATURE_CONTROL, MSR_PLATFORM_INFO,
        IA32_ARCH_CAPABILITIES, 0x198, 0x199, 0x19C, IA32_MISC_ENABLE, 0x1B0};
    /**
     * AMD MSRs: VM_HSAVE_PA (page-aligned), and as plain storage SYSCFG, HWCR, TOP_MEM (0xC001001A),
     * TOP_MEM2 (0xC001001D), NB_CFG (0xC001001F), VM_CR, OSVW_ID_LENGTH/OSVW_STATUS
     * (0xC0010140/0xC0010141), LS_CFG (0xC0011020) and DE_CFG (0xC0011029).
     */
    private static final int[] AMD = {SYSCFG, HWCR, 0xC001_001A, 0xC001_001D, 0xC001_001F, VM_CR, VM_HSAVE_PA,
        0xC001_0140, 0xC001_0141, 0xC001_1020, 0xC001_1029};

    private final boolean amd;
    private final int[] indices;
    private final long[] values;
    private boolean featureControlLocked;
    /** The value the last successful {@link #read} produced. */
    private long value;

    /** The MSRs of an AMD processor ({@code amd}) or of an Intel one, at their reset values. */
    public VendorMsrs(boolean amd) {
        this.amd = amd;
        this.indices = amd ? AMD : INTEL;
        this.values = new long[indices.length];
        if (!amd) {
            values[slot(IA32_MISC_ENABLE)] = MISC_ENABLE_RESET;
            values[slot(MSR_PLATFORM_INFO)] = PLATFORM_INFO;
        }
    }

    /** Whether a CPUID vendor string's first four bytes (leaf 0 EBX) name AMD ("Auth"). */
    public static boolean amdVendor(int leaf0Ebx) {
        return leaf0Ebx == 0x6874_7541;
    }

    /** Every vendor-specific MSR of either vendor: what a monitor intercepts to choose the set itself. */
    public static int[] allIndices() {
        int[] all = Arrays.copyOf(INTEL, INTEL.length + AMD.length);
        System.arraycopy(AMD, 0, all, INTEL.length, AMD.length);
        return all;
    }

    /** Whether {@code index} is an MSR of either vendor's set, implemented here or not. */
    public static boolean vendorSpecific(int index) {
        return contains(INTEL, index) || contains(AMD, index);
    }

    public boolean amd() {
        return amd;
    }

    /** The value of the last successful read. */
    public long value() {
        return value;
    }

    /**
     * Reads an MSR into {@link #value()}.
     *
     * @return false when this vendor does not implement it (#GP(0))
     */
    public boolean read(int index) {
        int slot = slot(index);
        if (slot < 0) {
            return false;
        }
        value = values[slot];
        return true;
    }

    /**
     * Writes an MSR.
     *
     * @return false for #GP(0): an MSR this vendor lacks, a read-only one, a locked FEATURE_CONTROL
     *         or a misaligned VM_HSAVE_PA
     */
    public boolean write(int index, long v) {
        int slot = slot(index);
        if (slot < 0) {
            return false;
        }
        switch (index) {
            case IA32_PLATFORM_ID:
            case MSR_PLATFORM_INFO:
            case IA32_ARCH_CAPABILITIES:
                return false; // read-only
            case IA32_FEATURE_CONTROL:
                // Bit 0 locks the register until reset (SDM Vol. 3C §24.7, "Enabling VMX").
                if (featureControlLocked) {
                    return false;
                }
                featureControlLocked = (v & 1) != 0;
                break;
            case VM_HSAVE_PA:
                if ((v & 0xFFF) != 0) {
                    return false; // 4-KiB aligned (APM Vol. 2 §15.30.4)
                }
                break;
            default:
                break;
        }
        values[slot] = v;
        return true;
    }

    private int slot(int index) {
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] == index) {
                return i;
            }
        }
        return -1;
    }

    private static boolean contains(int[] set, int index) {
        for (int i : set) {
            if (i == index) {
                return true;
            }
        }
        return false;
    }
}
