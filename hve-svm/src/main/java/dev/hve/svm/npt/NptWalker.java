package dev.hve.svm.npt;

import dev.hve.emulator.memory.HostMemory;

/**
 * The guest-physical to host-physical walk through nested page tables rooted at N_CR3, in
 * four-level long-mode format (AMD APM Vol. 2, §15.25.5 "Nested Table Walk"), as the host runs in
 * long mode. Every nested access is checked as a user access; writes need R/W at every level and
 * fetches need NX clear at every level (the modeled host runs with EFER.NXE set). Accessed and
 * dirty bits are set as hardware sets them.
 *
 * <p>Allocation-free: {@link #walk} returns the host-physical address, or a negative number whose
 * complement is the #PF-style error code (bits 4:0) of the fault.
 */
public final class NptWalker {

    /** Nested walks of a guest access: read. */
    public static final int READ = 0;
    public static final int WRITE = 1;
    public static final int FETCH = 2;

    private final HostMemory memory;
    private final long reservedAddressBits;

    /** @param maxPhysicalAddressBits the host's MAXPHYADDR (CPUID 8000_0008h EAX[7:0]) */
    public NptWalker(HostMemory memory, int maxPhysicalAddressBits) {
        this.memory = memory;
        this.reservedAddressBits = NptEntry.ADDRESS & ~((1L << maxPhysicalAddressBits) - 1);
    }

    /**
     * Walks {@code gpa} for an access of {@code kind} ({@link #READ}, {@link #WRITE} or
     * {@link #FETCH}) from the root at {@code nCr3}.
     */
    public long walk(long nCr3, long gpa, int kind) {
        return walk(nCr3, gpa, kind, true);
    }

    /**
     * As {@link #walk(long, long, int)}; {@code setAccessedDirty} false inspects the tables without
     * touching them (the monitor peeking at guest memory is not a guest access).
     */
    public long walk(long nCr3, long gpa, int kind, boolean setAccessedDirty) {
        long baseCode = NpfErrorCode.US | (kind == WRITE ? NpfErrorCode.RW : 0) | (kind == FETCH ? NpfErrorCode.ID : 0);
        if ((gpa & ~((1L << 52) - 1)) != 0 || (gpa & reservedAddressBits) != 0) {
            // Beyond the physical-address width: no entry can map it.
            return ~baseCode;
        }
        long table = nCr3 & NptEntry.ADDRESS;
        for (int level = 4; level >= 1; level--) {
            int shift = 12 + 9 * (level - 1);
            long slot = table + ((gpa >>> shift) & 0x1FF) * 8;
            if (!memory.contains(slot, 8)) {
                return ~baseCode;
            }
            long entry = memory.read64(slot);
            if ((entry & NptEntry.P) == 0) {
                return ~baseCode;
            }
            boolean leaf = level == 1 || (entry & NptEntry.PS) != 0;
            if ((entry & reservedAddressBits) != 0 || (level == 4 && (entry & NptEntry.PS) != 0)
                || (leaf && level > 1 && (entry & reservedLargeBits(level)) != 0)) {
                return ~(baseCode | NpfErrorCode.P | NpfErrorCode.RSV);
            }
            if ((entry & NptEntry.US) == 0 || (kind == WRITE && (entry & NptEntry.RW) == 0)
                || (kind == FETCH && (entry & NptEntry.NX) != 0)) {
                return ~(baseCode | NpfErrorCode.P);
            }
            long updated = entry | NptEntry.A | (leaf && kind == WRITE ? NptEntry.D : 0);
            if (updated != entry && setAccessedDirty) {
                memory.write64(slot, updated);
            }
            if (leaf) {
                long pageMask = (1L << shift) - 1;
                return (entry & NptEntry.ADDRESS & ~pageMask) | (gpa & pageMask);
            }
            table = entry & NptEntry.ADDRESS;
        }
        throw new AssertionError("unreachable");
    }

    /** Bits 20:13 of a 2 MiB leaf and 29:13 of a 1 GiB leaf are reserved (PAT is bit 12). */
    private static long reservedLargeBits(int level) {
        return level == 2 ? 0x1F_E000L : 0x3FFF_E000L;
    }
}
