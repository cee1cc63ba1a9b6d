package dev.hve.platform.dispatch;

import dev.hve.api.HostCpu;
import dev.hve.emulator.msr.VendorMsrs;
import java.util.Set;
import java.util.TreeSet;

/**
 * The vendor-specific MSRs as the guest's CPU model has them, one set per vCPU. The monitor
 * intercepts every MSR that only Intel or only AMD processors implement, so the guest sees the
 * set of the vendor its CPUID names on either backend: an AMD guest reads SYSCFG and LS_CFG and
 * gets #GP from MISC_ENABLE on a VT-x host too, as under KVM, whose guest MSRs follow the guest's
 * CPUID rather than the host's.
 */
public final class GuestVendorMsrs {

    private static final Set<Integer> MSRS = indices();

    private final VendorMsrs[] vcpus;

    /** The set of an AMD processor ({@code amd}) or an Intel one, for {@code vcpus} vCPUs. */
    public GuestVendorMsrs(int vcpus, boolean amd) {
        this.vcpus = new VendorMsrs[vcpus];
        for (int i = 0; i < vcpus; i++) {
            this.vcpus[i] = new VendorMsrs(amd);
        }
    }

    /** The set of the vendor that the guest CPU model's CPUID leaf 0 names. */
    public static GuestVendorMsrs of(HostCpu guestCpu, int vcpus) {
        return new GuestVendorMsrs(vcpus, VendorMsrs.amdVendor(guestCpu.cpuid(0, 0).ebx()));
    }

    /** Every MSR of either vendor's set: what the monitor must intercept. */
    public Set<Integer> msrs() {
        return MSRS;
    }

    public boolean handles(int msr) {
        return VendorMsrs.vendorSpecific(msr);
    }

    /** RDMSR on vCPU {@code vcpu} into {@link #value(int)}; false means #GP. */
    public boolean read(int vcpu, int msr) {
        return vcpus[vcpu].read(msr);
    }

    /** The value of vCPU {@code vcpu}'s last successful read. */
    public long value(int vcpu) {
        return vcpus[vcpu].value();
    }

    /** WRMSR on vCPU {@code vcpu}; false means #GP. */
    public boolean write(int vcpu, int msr, long value) {
        return vcpus[vcpu].write(msr, value);
    }

    private static Set<Integer> indices() {
        Set<Integer> all = new TreeSet<>();
        for (int msr : VendorMsrs.allIndices()) {
            all.add(msr);
        }
        return Set.copyOf(all);
    }
}
