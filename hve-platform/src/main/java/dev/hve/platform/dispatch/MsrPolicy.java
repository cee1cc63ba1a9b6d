package dev.hve.platform.dispatch;

import dev.hve.api.Event;
import dev.hve.api.Register;
import dev.hve.api.Vcpu;
import dev.hve.api.VmExit;
import dev.hve.api.extension.MsrProvider;
import dev.hve.platform.irq.LocalApicMsrs;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Handles the MSR accesses the monitor intercepts: the local APICs' MSRs, then the provider
 * that claims the MSR, then the vendor-specific MSRs of the guest's CPU model
 * ({@link GuestVendorMsrs}); anything else raises #GP(0), the architectural answer for an MSR the processor does not
 * implement (Intel SDM Vol. 2B, RDMSR and WRMSR).
 */
public final class MsrPolicy {

    private static final int GP = 13;

    private final List<MsrProvider> providers = new ArrayList<>();
    private final LocalApicMsrs localApics;
    private final GuestVendorMsrs vendorMsrs;

    /**
     * @param localApics the local APICs' MSRs (IA32_APIC_BASE, IA32_TSC_DEADLINE), per vCPU
     * @param vendorMsrs the MSRs only one vendor implements, as the guest's CPU model has them
     */
    public MsrPolicy(LocalApicMsrs localApics, GuestVendorMsrs vendorMsrs) {
        this.localApics = localApics;
        this.vendorMsrs = vendorMsrs;
    }

    public void add(MsrProvider provider) {
        providers.add(provider);
    }

    /** Every MSR the platform or some provider implements: exactly what the monitor must intercept. */
    public Set<Integer> interceptedMsrs() {
        Set<Integer> all = new TreeSet<>(Set.of(LocalApicMsrs.IA32_APIC_BASE, LocalApicMsrs.IA32_TSC_DEADLINE));
        all.addAll(vendorMsrs.msrs());
        for (MsrProvider provider : providers) {
            all.addAll(provider.msrs());
        }
        return all;
    }

    public void access(Vcpu vcpu, VmExit.MsrAccess access) {
        int msr = access.msr();
        int index = vcpu.index();
        if (localApics.handles(msr)) {
            if (access.write()) {
                complete(vcpu, localApics.write(index, msr, access.value()));
            } else {
                returnValue(vcpu, localApics.read(index, msr));
            }
            return;
        }
        for (MsrProvider provider : providers) {
            if (provider.msrs().contains(msr)) {
                if (access.write()) {
                    complete(vcpu, provider.write(msr, access.value()));
                } else {
                    returnValue(vcpu, provider.read(msr));
                }
                return;
            }
        }
        if (vendorMsrs.handles(msr)) {
            if (access.write()) {
                complete(vcpu, vendorMsrs.write(index, msr, access.value()));
            } else if (vendorMsrs.read(index, msr)) {
                returnValue(vcpu, vendorMsrs.value(index));
            } else {
                complete(vcpu, false);
            }
            return;
        }
        complete(vcpu, false);
    }

    /** RDMSR returns EDX:EAX; bits 63:32 of RAX and RDX are cleared. */
    private static void returnValue(Vcpu vcpu, long value) {
        vcpu.setRegister(Register.RAX, value & 0xFFFF_FFFFL);
        vcpu.setRegister(Register.RDX, value >>> 32);
        complete(vcpu, true);
    }

    /** The access retires, or raises #GP(0) as a refused RDMSR/WRMSR does. */
    private static void complete(Vcpu vcpu, boolean ok) {
        if (ok) {
            vcpu.completeInstruction();
        } else {
            vcpu.inject(new Event.HardwareException(GP, 0));
        }
    }
}
