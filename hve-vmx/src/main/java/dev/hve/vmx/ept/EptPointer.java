package dev.hve.vmx.ept;

import dev.hve.vmx.capability.VmxCapabilities;

/**
 * The EPT pointer (Intel SDM Vol. 3C §25.6.11, "Extended-Page-Table Pointer (EPTP)"): bits 2:0 the paging-structure memory
 * type, 5:3 the page-walk length minus one, bit 6 enables accessed and dirty flags, bit 7
 * supervisor shadow-stack control, 11:8 reserved, N-1:12 the PML4 table's physical address.
 */
public final class EptPointer {

    public static final long ACCESSED_DIRTY_ENABLE = 1L << 6;

    private EptPointer() {
    }

    /** A 4-level, write-back EPTP for the PML4 table at {@code pml4}. */
    public static long of(long pml4, boolean accessedDirty) {
        return pml4 | EptEntry.WB | (3L << 3) | (accessedDirty ? ACCESSED_DIRTY_ENABLE : 0);
    }

    public static long pml4(long eptp) {
        return eptp & EptEntry.addressMask(VmxCapabilities.MAXPHYADDR);
    }

    public static boolean accessedDirtyEnabled(long eptp) {
        return (eptp & ACCESSED_DIRTY_ENABLE) != 0;
    }

    /**
     * The VM-entry check on the EPTP (§27.2.1.1, "VM-Execution Control Fields"): a memory type
     * IA32_VMX_EPT_VPID_CAP supports, a page-walk length of 4, A/D only when supported, and no
     * reserved bit set.
     */
    public static boolean valid(long eptp, long eptVpidCap, int maxPhyAddr) {
        int type = (int) (eptp & 7);
        boolean typeOk = (type == EptEntry.UC && (eptVpidCap & VmxCapabilities.EPT_MEMORY_TYPE_UC) != 0)
            || (type == EptEntry.WB && (eptVpidCap & VmxCapabilities.EPT_MEMORY_TYPE_WB) != 0);
        boolean walkOk = ((eptp >>> 3) & 7) == 3 && (eptVpidCap & VmxCapabilities.EPT_PAGE_WALK_4) != 0;
        boolean adOk = !accessedDirtyEnabled(eptp) || (eptVpidCap & VmxCapabilities.EPT_ACCESSED_DIRTY) != 0;
        // Bit 7 (supervisor shadow-stack control) is reserved here: the model has no CET.
        boolean reservedOk = (eptp & 0xF80L) == 0 && (eptp >>> maxPhyAddr) == 0;
        return typeOk && walkOk && adOk && reservedOk;
    }
}
