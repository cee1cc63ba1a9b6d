package dev.hve.vmx.ept;

import dev.hve.emulator.memory.HostMemory;
import dev.hve.vmx.capability.VmxCapabilities;

/**
 * Translates guest-physical addresses through a 4-level EPT hierarchy in modeled host memory
 * (Intel SDM Vol. 3C §29.3.2, "EPT Translation Mechanism"), detecting the two EPT-induced exits
 * of §29.3.3: misconfigurations (reserved bits, write-without-read, reserved memory types) and
 * violations (a not-present entry or a missing permission). One walker serves one vCPU; the
 * outcome details of the last walk are kept in fields so that a walk allocates nothing.
 */
public final class EptWalker {

    /** {@link #translate} result: an EPT violation; see {@link #lastPermissions()}. */
    public static final long VIOLATION = -1;
    /** {@link #translate} result: an EPT misconfiguration. */
    public static final long MISCONFIGURATION = -2;

    private static final long PML4E_RESERVED = 0xF8L; // bits 7:3
    private static final long TABLE_RESERVED = 0x78L; // bits 6:3 of a non-leaf PDPTE or PDE
    private static final long PDPTE_1G_RESERVED = 0x3FFF_F000L; // bits 29:12
    private static final long PDE_2M_RESERVED = 0x1F_F000L; // bits 20:12

    private final HostMemory memory;
    private final long capabilities;
    private final int maxPhyAddr;
    private final long highReserved;
    private final long addressMask;
    /** See {@link #reservedBits}. */
    private final long[] reserved;
    private long lastPermissions;

    public EptWalker(HostMemory memory, long eptVpidCap, int maxPhyAddr) {
        this.memory = memory;
        this.capabilities = eptVpidCap;
        this.maxPhyAddr = maxPhyAddr;
        this.highReserved = EptEntry.reservedHighBits(maxPhyAddr);
        this.addressMask = EptEntry.addressMask(maxPhyAddr);
        this.reserved = reservedBits(highReserved, eptVpidCap);
    }

    public EptWalker(HostMemory memory) {
        this(memory, new VmxCapabilities().eptVpidCap(), VmxCapabilities.MAXPHYADDR);
    }

    /**
     * The logical AND of bits 2:0 over the entries the last walk used (for a violation, up to
     * and including the entry that stopped it): bits 5:3 of an EPT-violation qualification,
     * shifted down to 2:0.
     */
    public long lastPermissions() {
        return lastPermissions;
    }

    /**
     * Translates {@code gpa} for an access of kind {@code access} (an OR of {@link EptEntry#READ},
     * {@link EptEntry#WRITE}, {@link EptEntry#EXECUTE}).
     *
     * @return the host-physical address, {@link #VIOLATION} or {@link #MISCONFIGURATION}
     */
    public long translate(long eptp, long gpa, int access) {
        boolean accessedDirty = EptPointer.accessedDirtyEnabled(eptp);
        long table = eptp & addressMask;
        long permissions = EptEntry.RWX;
        // Entry addresses of the levels used, for A/D updates after a successful walk.
        long e4 = 0;
        long e3 = 0;
        long e2 = 0;
        long e1 = 0;
        long leafAddress = 0;
        int leafLevel = 0;
        for (int level = 4; level >= 1; level--) {
            int shift = 12 + 9 * (level - 1);
            long entryAddress = table + (((gpa >>> shift) & 0x1FF) << 3);
            long entry = memory.read64(entryAddress);
            permissions &= entry;
            if (!EptEntry.present(entry)) {
                lastPermissions = permissions & EptEntry.RWX;
                return VIOLATION;
            }
            boolean large = (level == 3 || level == 2) && (entry & EptEntry.PAGE_SIZE) != 0;
            boolean leaf = level == 1 || large;
            if (misconfigured(entry, level, large, leaf)) {
                return MISCONFIGURATION;
            }
            switch (level) {
                case 4 -> e4 = entryAddress;
                case 3 -> e3 = entryAddress;
                case 2 -> e2 = entryAddress;
                default -> e1 = entryAddress;
            }
            if (leaf) {
                long pageMask = (1L << shift) - 1;
                leafAddress = (entry & addressMask & ~pageMask) | (gpa & pageMask);
                leafLevel = level;
                break;
            }
            table = entry & addressMask;
        }
        lastPermissions = permissions & EptEntry.RWX;
        if ((access & ~permissions & EptEntry.RWX) != 0) {
            return VIOLATION;
        }
        if (accessedDirty) {
            setAccessedDirty(e4, e3, e2, e1, leafLevel, (access & EptEntry.WRITE) != 0);
        }
        return leafAddress;
    }

    /** The conditions of §29.3.3.1, "EPT Misconfigurations", for a present entry. */
    private boolean misconfigured(long entry, int level, boolean large, boolean leaf) {
        if ((entry & EptEntry.READ) == 0 && ((entry & EptEntry.WRITE) != 0
            || ((entry & EptEntry.EXECUTE) != 0 && (capabilities & VmxCapabilities.EPT_EXECUTE_ONLY) == 0))) {
            return true;
        }
        if ((entry & reserved[2 * level + (large ? 1 : 0)]) != 0) {
            return true;
        }
        return leaf && !EptEntry.validMemoryType(EptEntry.memoryType(entry));
    }

    /**
     * For each level (index {@code 2 * level}, plus 1 for a large page): the bits that make a
     * present entry misconfigured, the address bits beyond MAXPHYADDR included. A large page the
     * processor does not support (IA32_VMX_EPT_VPID_CAP bits 16 and 17) is misconfigured whatever
     * it holds: all bits.
     */
    private static long[] reservedBits(long highReserved, long capabilities) {
        long[] masks = new long[10];
        masks[2 * 4] = highReserved | PML4E_RESERVED;
        masks[2 * 3] = highReserved | TABLE_RESERVED;
        masks[2 * 3 + 1] = (capabilities & VmxCapabilities.EPT_1GB_PAGES) == 0 ? -1L : highReserved | PDPTE_1G_RESERVED;
        masks[2 * 2] = highReserved | TABLE_RESERVED;
        masks[2 * 2 + 1] = (capabilities & VmxCapabilities.EPT_2MB_PAGES) == 0 ? -1L : highReserved | PDE_2M_RESERVED;
        masks[2] = highReserved;
        return masks;
    }

    /** §29.3.4, "Accessed and Dirty Flags for EPT": A in every entry used, D in the leaf of a write. */
    private void setAccessedDirty(long e4, long e3, long e2, long e1, int leafLevel, boolean write) {
        markAccessed(e4);
        markAccessed(e3);
        if (leafLevel <= 2) {
            markAccessed(e2);
        }
        if (leafLevel == 1) {
            markAccessed(e1);
        }
        if (write) {
            long leaf = switch (leafLevel) {
                case 3 -> e3;
                case 2 -> e2;
                default -> e1;
            };
            memory.write64(leaf, memory.read64(leaf) | EptEntry.DIRTY);
        }
    }

    private void markAccessed(long entryAddress) {
        long entry = memory.read64(entryAddress);
        if ((entry & EptEntry.ACCESSED) == 0) {
            memory.write64(entryAddress, entry | EptEntry.ACCESSED);
        }
    }

    public int maxPhyAddr() {
        return maxPhyAddr;
    }
}
