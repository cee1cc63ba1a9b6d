package dev.hve.platform.irq;

import dev.hve.api.extension.MsrProvider;
import java.util.Set;
import java.util.function.IntSupplier;

/**
 * The local APIC's MSRs, for the machine's MSR policy to delegate to: IA32_APIC_BASE (0x1B) and
 * IA32_TSC_DEADLINE (0x6E0) (Intel SDM Vol. 4, "Model-Specific Registers"). The x2APIC range
 * (0x800-0x8FF) is not handled: x2APIC is not offered, so those accesses must #GP.
 *
 * <p>As an {@link MsrProvider} it answers for the vCPU the machine says is running, so the MSR
 * policy can take it like any other provider.
 */
public final class LocalApicMsrs implements MsrProvider {

    public static final int IA32_APIC_BASE = 0x1B;
    public static final int IA32_TSC_DEADLINE = 0x6E0;

    private static final Set<Integer> MSRS = Set.of(IA32_APIC_BASE, IA32_TSC_DEADLINE);

    private final LocalApic[] apics;
    private final IntSupplier currentVcpu;

    /** @param currentVcpu the vCPU whose RDMSR/WRMSR is being handled */
    public LocalApicMsrs(LocalApic[] apics, IntSupplier currentVcpu) {
        this.apics = apics.clone();
        this.currentVcpu = currentVcpu;
    }

    public boolean handles(int msr) {
        return msr == IA32_APIC_BASE || msr == IA32_TSC_DEADLINE;
    }

    @Override
    public Set<Integer> msrs() {
        return MSRS;
    }

    @Override
    public long read(int msr) {
        return read(currentVcpu.getAsInt(), msr);
    }

    @Override
    public boolean write(int msr, long value) {
        return write(currentVcpu.getAsInt(), msr, value);
    }

    /** RDMSR on vCPU {@code vcpu}; only for an MSR this {@link #handles}. */
    public long read(int vcpu, int msr) {
        LocalApic apic = apics[vcpu];
        return switch (msr) {
            case IA32_APIC_BASE -> apic.apicBase();
            case IA32_TSC_DEADLINE -> apic.readTscDeadline();
            default -> throw new IllegalArgumentException("not a local APIC MSR: 0x" + Integer.toHexString(msr));
        };
    }

    /** WRMSR on vCPU {@code vcpu}; false means the guest gets #GP. */
    public boolean write(int vcpu, int msr, long value) {
        LocalApic apic = apics[vcpu];
        switch (msr) {
            case IA32_APIC_BASE -> {
                return apic.writeApicBase(value);
            }
            case IA32_TSC_DEADLINE -> {
                apic.writeTscDeadline(value);
                return true;
            }
            default -> throw new IllegalArgumentException("not a local APIC MSR: 0x" + Integer.toHexString(msr));
        }
    }
}
