package dev.hve.emulator.mmu;

import dev.hve.emulator.control.GuestControls;
import dev.hve.emulator.cpu.CpuState;
import dev.hve.emulator.exec.ExitSignal;
import dev.hve.emulator.exec.Fault;
import dev.hve.emulator.memory.HostMemory;

/**
 * The guest's page walk: 32-bit paging (4 KiB, and 4 MiB pages with CR4.PSE and PSE-36), PAE
 * paging (4 KiB and 2 MiB) and 4-level paging (4 KiB, 2 MiB, 1 GiB), with the U/S, R/W, NX and
 * CR0.WP rules, reserved-bit checks, and accessed/dirty updates (Intel SDM Vol. 3A chapter 4;
 * AMD APM Vol. 2 chapter 5). Every paging-structure access is itself a guest-physical access and
 * goes through {@link GuestControls#translateGuestPhysical} with {@code ACCESS_PAGE_WALK}.
 *
 * <p>Accessed and dirty bits are set only once the whole translation is known to succeed, as the
 * SDM permits (§4.8: flags are set "when the processor uses" an entry).
 *
 * <p>PAE PDPTEs: on the Intel model they are loaded into PDPTE registers by MOV to CR3 (and by the
 * CR0/CR4 writes that enter PAE paging), which raise #GP for reserved bits (SDM Vol. 3A §4.4.1);
 * on the AMD model, as with nested paging, they are read from memory on each walk.
 */
final class PageWalker {

    private static final long P = 1;
    private static final long RW = 1 << 1;
    private static final long US = 1 << 2;
    private static final long A = 1 << 5;
    private static final long D = 1 << 6;
    private static final long PS = 1 << 7;
    private static final long XD = 1L << 63;

    // #PF error-code bits (SDM Vol. 3A §4.7).
    private static final int PF_P = 1;
    private static final int PF_W = 2;
    private static final int PF_U = 4;
    private static final int PF_RSVD = 8;
    private static final int PF_I = 16;

    private final CpuState s;
    private final HostMemory host;
    private final GuestControls controls;
    private final Fault fault;
    /** Bits 51:MAXPHYADDR set: reserved in PAE and 4-level entries. */
    private final long reservedHigh;
    /** Reserved bits of a PAE PDPTE: 63:MAXPHYADDR, 8:5 and 2:1 (SDM Vol. 3A table 4-8). */
    private final long pdpteReserved;

    // The entries of the current walk, so that A/D can be set after all checks.
    private final long[] entryGpa = new long[5];
    private final long[] entryValue = new long[5];
    private final boolean[] entryWide = new boolean[5];
    private int depth;

    /** Intel-style PDPTE registers (PAE paging outside IA-32e mode). */
    private final boolean cachePdptes;
    private final long[] pdpteRegisters = new long[4];
    private final long[] pdpteLoad = new long[4];
    private boolean pdptesValid;

    long lastGuestPhysical;
    boolean lastPageLarge;
    private boolean peeking;

    PageWalker(CpuState state, HostMemory host, GuestControls controls, Fault fault, int physicalAddressBits,
               boolean cachePdptes) {
        this.cachePdptes = cachePdptes;
        this.s = state;
        this.host = host;
        this.controls = controls;
        this.fault = fault;
        this.reservedHigh = ((1L << 52) - 1) & ~((1L << physicalAddressBits) - 1);
        this.pdpteReserved = (-1L << physicalAddressBits) | 0x1E6L;
    }

    /**
     * Loads the four PDPTEs from the page CR3 names, as MOV to CR3 does in PAE paging. Returns
     * false, leaving the registers unchanged, when a present PDPTE has reserved bits set (#GP).
     *
     * @param peek true to read without recording exits (state loaded behind the core's back)
     */
    boolean loadPdptes(boolean peek) {
        if (!cachePdptes) {
            pdptesValid = false; // registers set from outside give way to the walk's own reads
            return true;
        }
        long base = s.cr3 & 0xFFFF_FFE0L;
        int access = GuestControls.ACCESS_PAGE_WALK | GuestControls.ACCESS_READ | (peek ? GuestControls.ACCESS_PEEK : 0);
        for (int i = 0; i < 4; i++) {
            long hpa = controls.translateGuestPhysical(base + 8L * i, access, 0);
            if (hpa == -1) {
                if (peek) {
                    pdptesValid = false;
                    return true;
                }
                throw ExitSignal.INSTANCE;
            }
            long v = host.read64(hpa);
            if ((v & P) != 0 && (v & pdpteReserved) != 0) {
                return false;
            }
            pdpteLoad[i] = v;
        }
        System.arraycopy(pdpteLoad, 0, pdpteRegisters, 0, 4);
        pdptesValid = true;
        return true;
    }

    /** Returns whether the registers changed (cached translations through them are then stale). */
    boolean setPdpteRegisters(long[] pdptes) {
        boolean changed = !pdptesValid;
        for (int i = 0; i < 4; i++) {
            changed |= pdpteRegisters[i] != pdptes[i];
            pdpteRegisters[i] = pdptes[i];
        }
        pdptesValid = true;
        return changed;
    }

    boolean pdpteRegisters(long[] destination) {
        if (!pdptesValid) {
            return false;
        }
        System.arraycopy(pdpteRegisters, 0, destination, 0, 4);
        return true;
    }

    /**
     * Translates for a guest access; returns the host-physical address of the page, or -1 when the
     * final guest-physical translation exited (the controls recorded the exit). #PF, and exits met
     * while walking the guest's tables, are thrown.
     */
    long translate(long linear, int kind, boolean user) {
        peeking = false;
        long gpa = walk(linear, kind, user);
        lastGuestPhysical = gpa;
        int access = accessBits(kind) | GuestControls.ACCESS_LINEAR_VALID | (user ? GuestControls.ACCESS_USER : 0);
        long hpa = controls.translateGuestPhysical(gpa, access, linear);
        return hpa == -1 ? -1 : hpa & ~0xFFFL;
    }

    /** Translation for inspection: no faults, no exits, no A/D updates; -1 when unmapped. */
    long peek(long linear) {
        peeking = true;
        try {
            long gpa = walk(linear, Mmu.READ, false);
            long hpa = controls.translateGuestPhysical(gpa, GuestControls.ACCESS_READ | GuestControls.ACCESS_PEEK
                | GuestControls.ACCESS_LINEAR_VALID, linear);
            return hpa;
        } catch (Fault | ExitSignal e) {
            return -1;
        } finally {
            peeking = false;
        }
    }

    /**
     * The guest-physical address {@code linear} maps to for an access of {@code kind} (read or
     * write) at the current privilege, with the guest's permission rules but without faults, exits
     * or A/D updates; -1 when the access would fault.
     */
    long peekGuestPhysical(long linear, int kind) {
        peeking = true;
        try {
            return walk(linear, kind, s.cpl == 3);
        } catch (Fault | ExitSignal e) {
            return -1;
        } finally {
            peeking = false;
        }
    }

    private static int accessBits(int kind) {
        switch (kind) {
            case Mmu.WRITE: return GuestControls.ACCESS_WRITE;
            case Mmu.EXECUTE: return GuestControls.ACCESS_EXECUTE;
            default: return GuestControls.ACCESS_READ;
        }
    }

    private long walk(long linear, int kind, boolean user) {
        lastPageLarge = false;
        if (!s.pagingEnabled()) {
            return s.longModeActive() ? linear : linear & 0xFFFF_FFFFL;
        }
        depth = 0;
        if ((s.cr4 & CpuState.CR4_PAE) == 0) {
            return walk32(linear, kind, user);
        }
        if (s.longModeActive()) {
            return walk4Level(linear, kind, user);
        }
        return walkPae(linear, kind, user);
    }

    private long readEntry(long gpa, boolean wide, long linear) {
        int access = GuestControls.ACCESS_PAGE_WALK | GuestControls.ACCESS_READ | GuestControls.ACCESS_LINEAR_VALID
            | (peeking ? GuestControls.ACCESS_PEEK : 0);
        lastGuestPhysical = gpa;
        long hpa = controls.translateGuestPhysical(gpa, access, linear);
        if (hpa == -1) {
            throw ExitSignal.INSTANCE;
        }
        long v = wide ? host.read64(hpa) : host.read32(hpa) & 0xFFFF_FFFFL;
        entryGpa[depth] = gpa;
        entryValue[depth] = v;
        entryWide[depth] = wide;
        depth++;
        return v;
    }

    private Fault pageFault(long linear, int kind, boolean user, boolean present, boolean reserved) {
        int code = (present ? PF_P : 0) | (kind == Mmu.WRITE ? PF_W : 0) | (user ? PF_U : 0)
            | (reserved ? PF_RSVD | PF_P : 0);
        // I/D is reported for fetches when NX is in use (PAE/4-level with EFER.NXE) or SMEP is on.
        if (kind == Mmu.EXECUTE && (((s.cr4 & CpuState.CR4_PAE) != 0 && (s.efer & CpuState.EFER_NXE) != 0)
            || (s.cr4 & CpuState.CR4_SMEP) != 0)) {
            code |= PF_I;
        }
        return fault.set(Fault.PF, true, code, linear);
    }

    /**
     * The access-rights check over the combined entries (SDM Vol. 3A §4.6): user accesses need U/S
     * set at every level; writes need R/W at every level for user accesses, and for supervisor
     * accesses when CR0.WP = 1; fetches need XD clear everywhere when EFER.NXE = 1.
     */
    private void checkRights(long linear, int kind, boolean user, boolean allUser, boolean allWrite, boolean anyXd) {
        if (user && !allUser) {
            throw pageFault(linear, kind, user, true, false);
        }
        if (kind == Mmu.WRITE && !allWrite && (user || (s.cr0 & CpuState.CR0_WP) != 0)) {
            throw pageFault(linear, kind, user, true, false);
        }
        if (kind == Mmu.EXECUTE && anyXd && (s.efer & CpuState.EFER_NXE) != 0) {
            throw pageFault(linear, kind, user, true, false);
        }
        if (kind == Mmu.EXECUTE && !user && allUser && (s.cr4 & CpuState.CR4_SMEP) != 0) {
            throw pageFault(linear, kind, user, true, false);
        }
    }

    /** Sets A in every entry used and D in the leaf for a write, writing back only what changed. */
    private void updateAccessedDirty(long linear, int kind) {
        if (peeking) {
            return;
        }
        for (int i = 0; i < depth; i++) {
            long v = entryValue[i];
            boolean leaf = i == depth - 1;
            long nv = v | A;
            if (leaf && kind == Mmu.WRITE) {
                nv |= D;
            }
            if (nv != v) {
                int access = GuestControls.ACCESS_PAGE_WALK | GuestControls.ACCESS_WRITE | GuestControls.ACCESS_LINEAR_VALID;
                long hpa = controls.translateGuestPhysical(entryGpa[i], access, linear);
                if (hpa == -1) {
                    throw ExitSignal.INSTANCE;
                }
                if (entryWide[i]) {
                    host.write64(hpa, nv);
                } else {
                    host.write32(hpa, (int) nv);
                }
            }
        }
    }

    private long walk32(long linear, int kind, boolean user) {
        long pde = readEntry((s.cr3 & 0xFFFF_F000L) + ((linear >>> 22) & 0x3FF) * 4, false, linear);
        if ((pde & P) == 0) {
            throw pageFault(linear, kind, user, false, false);
        }
        if ((pde & PS) != 0 && (s.cr4 & CpuState.CR4_PSE) != 0) {
            // 4 MiB page; bits 20:13 give physical bits 39:32 (PSE-36/PSE-40), bit 21 is reserved.
            if ((pde & (1L << 21)) != 0) {
                throw pageFault(linear, kind, user, true, true);
            }
            checkRights(linear, kind, user, (pde & US) != 0, (pde & RW) != 0, false);
            updateAccessedDirty(linear, kind);
            lastPageLarge = true;
            long base = (pde & 0xFFC0_0000L) | (((pde >>> 13) & 0xFF) << 32);
            return base | (linear & 0x3F_FFFF);
        }
        long pte = readEntry((pde & 0xFFFF_F000L) + ((linear >>> 12) & 0x3FF) * 4, false, linear);
        if ((pte & P) == 0) {
            throw pageFault(linear, kind, user, false, false);
        }
        checkRights(linear, kind, user, (pde & pte & US) != 0, (pde & pte & RW) != 0, false);
        updateAccessedDirty(linear, kind);
        return (pte & 0xFFFF_F000L) | (linear & 0xFFF);
    }

    /** Reserved bits of a PAE/4-level entry: above MAXPHYADDR, and XD when NXE is off. */
    private boolean reserved(long entry) {
        if ((entry & reservedHigh) != 0) {
            return true;
        }
        return (entry & XD) != 0 && (s.efer & CpuState.EFER_NXE) == 0;
    }

    private long walkPae(long linear, int kind, boolean user) {
        long pdpte = pdptesValid ? pdpteRegisters[(int) (linear >>> 30) & 3]
            : readEntry((s.cr3 & 0xFFFF_FFE0L) + ((linear >>> 30) & 3) * 8, true, linear);
        depth = 0; // PDPTEs carry no A/D or rights in PAE paging
        if ((pdpte & P) == 0) {
            throw pageFault(linear, kind, user, false, false);
        }
        if ((pdpte & pdpteReserved) != 0) {
            throw pageFault(linear, kind, user, true, true);
        }
        return walkDirectory(pdpte & 0x000F_FFFF_FFFF_F000L, linear, kind, user, true, true, false);
    }

    private long walk4Level(long linear, int kind, boolean user) {
        if (!dev.hve.emulator.exec.Interpreter.canonical(linear)) {
            throw fault.set(Fault.GP, true, 0, 0);
        }
        long pml4e = readEntry((s.cr3 & 0x000F_FFFF_FFFF_F000L) + ((linear >>> 39) & 0x1FF) * 8, true, linear);
        if ((pml4e & P) == 0) {
            throw pageFault(linear, kind, user, false, false);
        }
        if (reserved(pml4e) || (pml4e & PS) != 0) {
            throw pageFault(linear, kind, user, true, true);
        }
        long pdpte = readEntry((pml4e & 0x000F_FFFF_FFFF_F000L) + ((linear >>> 30) & 0x1FF) * 8, true, linear);
        if ((pdpte & P) == 0) {
            throw pageFault(linear, kind, user, false, false);
        }
        if (reserved(pdpte)) {
            throw pageFault(linear, kind, user, true, true);
        }
        boolean allUser = (pml4e & pdpte & US) != 0;
        boolean allWrite = (pml4e & pdpte & RW) != 0;
        boolean anyXd = ((pml4e | pdpte) & XD) != 0;
        if ((pdpte & PS) != 0) { // 1 GiB page
            if ((pdpte & 0x3FFF_E000L) != 0) {
                throw pageFault(linear, kind, user, true, true);
            }
            checkRights(linear, kind, user, allUser, allWrite, anyXd);
            updateAccessedDirty(linear, kind);
            lastPageLarge = true;
            return (pdpte & 0x000F_FFFF_C000_0000L) | (linear & 0x3FFF_FFFFL);
        }
        return walkDirectory(pdpte & 0x000F_FFFF_FFFF_F000L, linear, kind, user, allUser, allWrite, anyXd);
    }

    /** The page directory and page table levels shared by PAE and 4-level paging. */
    private long walkDirectory(long pdBase, long linear, int kind, boolean user, boolean allUser, boolean allWrite,
                               boolean anyXd) {
        long pde = readEntry(pdBase + ((linear >>> 21) & 0x1FF) * 8, true, linear);
        if ((pde & P) == 0) {
            throw pageFault(linear, kind, user, false, false);
        }
        if (reserved(pde)) {
            throw pageFault(linear, kind, user, true, true);
        }
        allUser &= (pde & US) != 0;
        allWrite &= (pde & RW) != 0;
        anyXd |= (pde & XD) != 0;
        if ((pde & PS) != 0) { // 2 MiB page
            if ((pde & 0x1F_E000L) != 0) {
                throw pageFault(linear, kind, user, true, true);
            }
            checkRights(linear, kind, user, allUser, allWrite, anyXd);
            updateAccessedDirty(linear, kind);
            lastPageLarge = true;
            return (pde & 0x000F_FFFF_FFE0_0000L) | (linear & 0x1F_FFFF);
        }
        long pte = readEntry((pde & 0x000F_FFFF_FFFF_F000L) + ((linear >>> 12) & 0x1FF) * 8, true, linear);
        if ((pte & P) == 0) {
            throw pageFault(linear, kind, user, false, false);
        }
        if (reserved(pte)) {
            throw pageFault(linear, kind, user, true, true);
        }
        checkRights(linear, kind, user, allUser & (pte & US) != 0, allWrite & (pte & RW) != 0, anyXd | (pte & XD) != 0);
        updateAccessedDirty(linear, kind);
        return (pte & 0x000F_FFFF_FFFF_F000L) | (linear & 0xFFF);
    }
}
