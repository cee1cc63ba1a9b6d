package dev.hve.vmx.entry;

/** Canonical-address and physical-address-width tests used by the VM-entry checks. */
final class Canonical {

    /** The modeled linear-address width (CPUID.80000008H:EAX[15:8] = 48). */
    static final int LINEAR_WIDTH = 48;

    private Canonical() {
    }

    static boolean canonical(long address) {
        return (address << (64 - LINEAR_WIDTH) >> (64 - LINEAR_WIDTH)) == address;
    }

    /** True when no bit at or above {@code maxPhyAddr} is set. */
    static boolean withinPhysicalWidth(long address, int maxPhyAddr) {
        return (address >>> maxPhyAddr) == 0;
    }

    /** A page-aligned physical address within the width: what bitmap and table pointers must be. */
    static boolean pageAddress(long address, int maxPhyAddr) {
        return (address & 0xFFF) == 0 && withinPhysicalWidth(address, maxPhyAddr);
    }
}
