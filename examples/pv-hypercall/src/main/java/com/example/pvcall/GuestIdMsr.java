package com.example.pvcall;

import dev.hve.api.extension.MsrProvider;
import java.util.Set;

/**
 * MSR 0x40000100, where a guest writes an identifier of itself, in the hypervisor-reserved MSR
 * range 40000000h-400000FFh's neighbourhood as KVM and Hyper-V use it. Bit 63 is reserved: a
 * write with it set is refused (#GP in the guest).
 */
final class GuestIdMsr implements MsrProvider {

    static final int GUEST_ID = 0x4000_0100;

    private long value;

    @Override
    public Set<Integer> msrs() {
        return Set.of(GUEST_ID);
    }

    @Override
    public long read(int msr) {
        return value;
    }

    @Override
    public boolean write(int msr, long newValue) {
        if (newValue < 0) {
            return false;
        }
        value = newValue;
        return true;
    }
}
