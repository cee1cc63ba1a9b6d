package dev.hve.difftests.harness;

import dev.hve.api.HostCpu;
import dev.hve.api.Vm;
import dev.hve.api.spi.BackendProvider;
import dev.hve.emulator.control.HypercallInstruction;
import dev.hve.emulator.cpuid.CpuModel;
import dev.hve.emulator.cpuid.CpuModels;
import java.util.ServiceLoader;
import java.util.function.UnaryOperator;

/**
 * The two backends under comparison, found the way the runner finds them: through
 * {@link ServiceLoader} by name. Each needs its own vendor's host (VMX's supports() wants
 * GenuineIntel with VMX, SVM's AuthenticAMD with SVM), so VMX runs over the Intel CPU model and
 * SVM over the AMD one. The host model would leak into the guest through an unintercepted CPUID,
 * which is why the harness always intercepts CPUID and answers from {@link CpuidTable}.
 */
public enum Backend {
    VMX("vmx", CpuModels.intel(), HypercallInstruction.VMCALL),
    SVM("svm", CpuModels.amd(), HypercallInstruction.VMMCALL);

    private final String providerName;
    private final CpuModel hostModel;
    private final HypercallInstruction hypercall;

    Backend(String providerName, CpuModel hostModel, HypercallInstruction hypercall) {
        this.providerName = providerName;
        this.hostModel = hostModel;
        this.hypercall = hypercall;
    }

    /** The instruction this vendor's silicon treats as a hypercall; guests for it use that one. */
    public HypercallInstruction hypercall() {
        return hypercall;
    }

    public HostCpu host() {
        return new ModelHost(hostModel);
    }

    public BackendProvider provider() {
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
            if (p.name().equals(providerName)) {
                return p;
            }
        }
        throw new IllegalStateException("no backend provider named " + providerName + " on the class path");
    }

    /** A fresh VM over this backend's host, optionally through a wrapper (the mutation tests' hook). */
    public Vm createVm(UnaryOperator<BackendProvider> wrapper) {
        BackendProvider provider = wrapper.apply(provider());
        HostCpu host = host();
        if (provider.supports(host).isEmpty()) {
            throw new IllegalStateException(providerName + " does not support its host model " + host.name());
        }
        return provider.createVm(host);
    }
}
