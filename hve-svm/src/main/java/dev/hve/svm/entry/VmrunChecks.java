package dev.hve.svm.entry;

import dev.hve.emulator.memory.HostMemory;
import dev.hve.svm.cpu.HostFeatures;
import dev.hve.svm.event.EventInj;
import dev.hve.svm.intercept.InterceptBits;
import dev.hve.svm.intercept.Iopm;
import dev.hve.svm.intercept.Msrpm;
import dev.hve.svm.vmcb.CleanBits;
import dev.hve.svm.vmcb.Vmcb;
import dev.hve.svm.vmcb.VmcbLayout;

/**
 * VMRUN's consistency checks on the guest state and controls in the VMCB (AMD APM Vol. 2, §15.5.1
 * "Basic Operation", the list of illegal state combinations). Any failure makes VMRUN #VMEXIT at
 * once with EXITCODE = VMEXIT_INVALID, without entering the guest.
 */
public final class VmrunChecks {

    private static final long CR0_PE = 1L;
    private static final long CR0_NW = 1L << 29;
    private static final long CR0_CD = 1L << 30;
    private static final long CR0_PG = 1L << 31;
    private static final long CR4_PAE = 1L << 5;
    private static final long EFER_LME = 1L << 8;
    private static final long EFER_LMA = 1L << 10;
    private static final long EFER_SVME = 1L << 12;
    private static final int ATTRIB_L = 1 << 9;
    private static final int ATTRIB_DB = 1 << 10;
    private static final long HIGH_DWORD = 0xFFFF_FFFF_0000_0000L;

    private VmrunChecks() {
    }

    /**
     * Runs every check in the manual's order.
     *
     * @return null when VMRUN may enter the guest, else which check failed
     */
    public static String check(Vmcb vmcb, HostFeatures host, HostMemory memory) {
        return check(vmcb, host, memory, 0);
    }

    /**
     * As {@link #check(Vmcb, HostFeatures, HostMemory)}, leaving out the checks of areas whose
     * bit is set in {@code clean} ({@link CleanBits}): VMRUN uses its cached copy of those, which
     * passed these checks when it was loaded or is state the guest itself reached, so the VMCB's
     * bytes there are not what the guest will run on (APM Vol. 2 §15.15.3). EVENTINJ, which no
     * clean bit covers, is checked every time.
     */
    public static String check(Vmcb vmcb, HostFeatures host, HostMemory memory, int clean) {
        boolean controlRegisters = (clean & CleanBits.CRX) == 0;
        String failure = controlRegisters ? checkControlRegisters(vmcb, host) : null;
        if (failure != null) {
            return failure;
        }
        if ((clean & CleanBits.DRX) == 0) {
            if ((vmcb.read64(VmcbLayout.DR6) & HIGH_DWORD) != 0) {
                return "DR6[63:32] are not zero";
            }
            if ((vmcb.read64(VmcbLayout.DR7) & HIGH_DWORD) != 0) {
                return "DR7[63:32] are not zero";
            }
        }
        failure = controlRegisters ? checkPagingModes(vmcb, host) : null;
        if (failure != null) {
            return failure;
        }
        if ((clean & (CleanBits.CRX | CleanBits.SEG)) != (CleanBits.CRX | CleanBits.SEG)) {
            long efer = vmcb.read64(VmcbLayout.EFER);
            long cr0 = vmcb.read64(VmcbLayout.CR0);
            boolean longModePaging = (efer & EFER_LME) != 0 && (cr0 & CR0_PG) != 0;
            int csAttrib = vmcb.segmentAttrib(VmcbLayout.CS);
            if (longModePaging && (vmcb.read64(VmcbLayout.CR4) & CR4_PAE) != 0 && (csAttrib & ATTRIB_L) != 0
                && (csAttrib & ATTRIB_DB) != 0) {
                return "EFER.LME, CR0.PG, CR4.PAE, CS.L and CS.D are all set";
            }
        }
        if ((clean & CleanBits.I) == 0
            && (vmcb.read32(VmcbLayout.INTERCEPT_VECTOR4) & (1 << InterceptBits.VMRUN)) == 0) {
            return "the VMRUN intercept bit is clear";
        }
        if ((clean & CleanBits.IOPM) == 0) {
            if (beyondPhysical(vmcb.read64(VmcbLayout.MSRPM_BASE_PA), Msrpm.SIZE, host, memory)) {
                return "the MSR permission map extends beyond the maximum physical address";
            }
            if (beyondPhysical(vmcb.read64(VmcbLayout.IOPM_BASE_PA), Iopm.SIZE, host, memory)) {
                return "the I/O permission map extends beyond the maximum physical address";
            }
        }
        String injection = EventInj.illegalReason(vmcb.read64(VmcbLayout.EVENTINJ));
        if (injection != null) {
            return "illegal event injection: " + injection;
        }
        if ((clean & CleanBits.ASID) == 0 && vmcb.read32(VmcbLayout.GUEST_ASID) == 0) {
            return "the guest ASID is zero (reserved for the host)";
        }
        return null;
    }

    /** The checks on the CRx area that come before the DR6/DR7 checks in the manual's list. */
    private static String checkControlRegisters(Vmcb vmcb, HostFeatures host) {
        long efer = vmcb.read64(VmcbLayout.EFER);
        long cr0 = vmcb.read64(VmcbLayout.CR0);
        long cr3 = vmcb.read64(VmcbLayout.CR3);
        long cr4 = vmcb.read64(VmcbLayout.CR4);
        boolean longModePaging = (efer & EFER_LME) != 0 && (cr0 & CR0_PG) != 0;
        if ((efer & EFER_SVME) == 0) {
            return "EFER.SVME is zero";
        }
        if ((cr0 & CR0_CD) == 0 && (cr0 & CR0_NW) != 0) {
            return "CR0.CD is zero and CR0.NW is set";
        }
        if ((cr0 & HIGH_DWORD) != 0) {
            return "CR0[63:32] are not zero";
        }
        if ((cr3 & cr3MustBeZero(host, longModePaging)) != 0) {
            return "an MBZ bit of CR3 is set";
        }
        if ((cr4 & ~host.cr4Supported()) != 0) {
            return "an MBZ bit of CR4 is set";
        }
        return null;
    }

    /** The checks on the CRx area that follow the DR6/DR7 checks: EFER and the paging mode. */
    private static String checkPagingModes(Vmcb vmcb, HostFeatures host) {
        long efer = vmcb.read64(VmcbLayout.EFER);
        long cr0 = vmcb.read64(VmcbLayout.CR0);
        long cr4 = vmcb.read64(VmcbLayout.CR4);
        boolean longModePaging = (efer & EFER_LME) != 0 && (cr0 & CR0_PG) != 0;
        if ((efer & ~host.eferSupported()) != 0) {
            return "an MBZ bit of EFER is set";
        }
        if ((efer & (EFER_LMA | EFER_LME)) != 0 && !host.longMode()) {
            return "EFER.LMA or EFER.LME is set and the processor does not support long mode";
        }
        if (longModePaging && (cr4 & CR4_PAE) == 0) {
            return "EFER.LME and CR0.PG are both set and CR4.PAE is zero";
        }
        if (longModePaging && (cr0 & CR0_PE) == 0) {
            return "EFER.LME and CR0.PG are both set and CR0.PE is zero";
        }
        return null;
    }

    /**
     * The MBZ bits of CR3 depend on the paging mode the guest state describes (APM Vol. 2, §3.1.2
     * "CR3"): in long mode bits 63:52 are reserved and the address field stops at the physical
     * width; in legacy modes CR3 is a 32-bit register, so bits 63:32 must be zero.
     */
    static long cr3MustBeZero(HostFeatures host, boolean longModePaging) {
        if (longModePaging) {
            return -1L << host.maxPhysicalAddressBits();
        }
        return HIGH_DWORD;
    }

    /**
     * A permission map must lie wholly below the maximum physical address. The modeled machine's
     * physical memory ends where {@link HostMemory} ends, so that is a lower ceiling than
     * MAXPHYADDR and is checked too: a map there would read memory that does not exist.
     */
    private static boolean beyondPhysical(long base, int size, HostFeatures host, HostMemory memory) {
        long start = base & ~0xFFFL;
        long end = start + size;
        return end > (1L << host.maxPhysicalAddressBits()) || !memory.contains(start, size);
    }
}
