package dev.hve.difftests.harness;

import dev.hve.api.GuestMemory;
import dev.hve.difftests.guest.Layout;

/**
 * The monitor's side of a demand-paged region: the 2 MiB at {@link Layout#UNMAPPED} start absent
 * from the guest's page tables; the first #PF there maps them (onto guest-physical 0, so the
 * region aliases the guest's own low memory) and the faulting access runs again.
 */
final class DemandPaging {

    private DemandPaging() {
    }

    static final long REGION_SIZE = 2L << 20;

    static boolean resolve(GuestMemory memory, long faultAddress) {
        if (faultAddress < Layout.UNMAPPED || faultAddress >= Layout.UNMAPPED + REGION_SIZE) {
            return false;
        }
        long pde = Layout.PD + (Layout.UNMAPPED >>> 21) * 8;
        if (memory.readValue(pde, 8) != 0) {
            return false;
        }
        memory.writeValue(pde, 8, 0x83); // present, writable, 2 MiB page at guest-physical 0
        return true;
    }
}
