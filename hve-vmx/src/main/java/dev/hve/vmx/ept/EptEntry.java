package dev.hve.vmx.ept;

/**
 * The EPT paging-structure entry format (Intel SDM Vol. 3C §29.3.2, "EPT Translation Mechanism"):
 * bit 0 read, 1 write, 2 execute, bits 5:3 memory type and 6 ignore-PAT in leaf entries, bit 7
 * page size in PDPTEs and PDEs, 8 accessed, 9 dirty (leaf), bits N-1:12 the physical address.
 */
public final class EptEntry {

    public static final long READ = 1L;
    public static final long WRITE = 1L << 1;
    public static final long EXECUTE = 1L << 2;
    public static final long RWX = READ | WRITE | EXECUTE;
    public static final int MEMORY_TYPE_SHIFT = 3;
    public static final long MEMORY_TYPE_MASK = 7L << MEMORY_TYPE_SHIFT;
    public static final long IGNORE_PAT = 1L << 6;
    public static final long PAGE_SIZE = 1L << 7;
    public static final long ACCESSED = 1L << 8;
    public static final long DIRTY = 1L << 9;

    /** Memory types (Vol. 3A §12.3 Table 12-2) valid in EPT: UC, WC, WT, WP, WB; 2, 3 and 7 are reserved. */
    public static final int UC = 0;
    public static final int WC = 1;
    public static final int WT = 4;
    public static final int WP = 5;
    public static final int WB = 6;

    private EptEntry() {
    }

    /** An entry is present when any of bits 2:0 is set (without mode-based execute control). */
    public static boolean present(long entry) {
        return (entry & RWX) != 0;
    }

    public static int memoryType(long entry) {
        return (int) ((entry & MEMORY_TYPE_MASK) >>> MEMORY_TYPE_SHIFT);
    }

    public static boolean validMemoryType(int type) {
        return type == UC || type == WC || type == WT || type == WP || type == WB;
    }

    /** The mask of address bits 51:12 that a modeled MAXPHYADDR allows: N-1:12. */
    public static long addressMask(int maxPhyAddr) {
        return ((1L << maxPhyAddr) - 1) & ~0xFFFL;
    }

    /** Bits 51:N, reserved in every EPT entry. */
    public static long reservedHighBits(int maxPhyAddr) {
        return ((1L << 52) - 1) & ~((1L << maxPhyAddr) - 1);
    }

    /** A leaf entry for {@code hpa} with the given permissions and memory type. */
    public static long leaf(long hpa, long permissions, int memoryType, boolean largePage) {
        return hpa | permissions | ((long) memoryType << MEMORY_TYPE_SHIFT) | (largePage ? PAGE_SIZE : 0);
    }

    /** A non-leaf entry referencing the table at {@code hpa}, with every permission. */
    public static long table(long hpa) {
        return hpa | RWX;
    }
}
