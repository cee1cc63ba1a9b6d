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
 * Handles the MSR accesses the monitor intercepts: each goes to the provider that claims the
 * MSR; anything else raises #GP(0), the architectural answer for an MSR the processor does not
 * implement (Intel SDM Vol. 2B, RDMSR and WRMSR).
 */
public final class MsrPolicy {

    private static final int GP = 13;

    private final List<MsrProvider> providers = new ArrayList<>();
    private final LocalApicMsrs localApics;

    /** @param localApics the local APICs' MSRs (IA32_APIC_BASE, IA32_TSC_DEADLINE), per vCPU */
    public MsrPolicy(LocalApicMsrs localApics) {
        this.localApics = localApics;
    }

    public void add(MsrProvider provider) {
        providers.add(provider);
    }

    /** Every MSR some provider implements: exactly what the monitor must intercept. */
    public Set<Integer> interceptedMsrs() {
        Set<Integer> all = new TreeSet<>(Set.of(LocalApicMsrs.IA32_APIC_BASE, LocalApicMsrs.IA32_TSC_DEADLINE));
        for (MsrProvider provider : providers) {
            all.addAll(provider.msrs());
        }
        return all;
    }

    public void access(Vcpu vcpu, VmExit.MsrAccess access) {
        if (localApics.handles(access.msr())) {
            if (access.write()) {
                if (!localApics.write(vcpu.index(), access.msr(), access.value())) {
                    vcpu.inject(new Event.HardwareException(GP, 0));
                    return;
                }
            } else {
                long value = localApics.read(vcpu.index(), access.msr());
                vcpu.setRegister(Register.RAX, value & 0xFFFF_FFFFL);
                vcpu.setRegister(Register.RDX, value >>> 32);
            }
            vcpu.completeInstruction();
            return;
        }
        for (MsrProvider provider : providers) {
            if (provider.msrs().contains(access.msr())) {
                if (access.write()) {
                    if (!provider.write(access.msr(), access.value())) {
                        vcpu.inject(new Event.HardwareException(GP, 0));
                        return;
                    }
                } else {
                    long value = provider.read(access.msr());
                    // RDMSR returns EDX:EAX; bits 63:32 of RAX and RDX are cleared.
                    vcpu.setRegister(Register.RAX, value & 0xFFFF_FFFFL);
                    vcpu.setRegister(Register.RDX, value >>> 32);
                }
                vcpu.completeInstruction();
                return;
            }
        }
        vcpu.inject(new Event.HardwareException(GP, 0));
    }
}
