package dev.hve.svm;

import dev.hve.api.HostCpu;
import dev.hve.api.Vm;
import dev.hve.api.spi.BackendProvider;
import java.util.Optional;

/**
 * The AMD SVM backend: a VMCB model with the AMD APM Vol. 2 layout, VMRUN and #VMEXIT, nested
 * paging, over the shared emulated core. It runs on an AuthenticAMD host that reports SVM in
 * CPUID Fn8000_0001_ECX[2] (AMD APM Vol. 2, §15.4 "Enabling SVM").
 */
public final class SvmBackendProvider implements BackendProvider {

    public static final String NAME = "svm";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "AMD SVM: VMCB, VMRUN/#VMEXIT, IOPM/MSRPM intercepts, nested paging (AMD APM Vol. 2 ch. 15)";
    }

    @Override
    public String requirement() {
        return "AuthenticAMD with CPUID 8000_0001h:ECX.SVM[bit 2]";
    }

    @Override
    public Optional<String> supports(HostCpu host) {
        String vendor = host.vendor();
        if (!"AuthenticAMD".equals(vendor)) {
            return Optional.empty();
        }
        if (!host.hasFeature(0x8000_0001, 'c', 2)) {
            return Optional.empty();
        }
        return Optional.of("host CPU " + host.name() + " is AuthenticAMD and reports SVM in CPUID 8000_0001h:ECX[2]");
    }

    @Override
    public Vm createVm(HostCpu host) {
        return new SvmVm(host);
    }
}
