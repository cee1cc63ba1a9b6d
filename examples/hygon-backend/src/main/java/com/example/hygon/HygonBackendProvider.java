package com.example.hygon;

import dev.hve.api.HostCpu;
import dev.hve.api.Vm;
import dev.hve.api.spi.BackendProvider;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * A backend for Hygon hosts. The built-in SVM backend selects only AuthenticAMD; Hygon parts
 * implement the same SVM architecture under their own vendor string, so this provider claims
 * them by CPUID and reuses the SVM machinery, found through the SDK's {@link ServiceLoader}
 * discovery, to run the guest.
 */
public final class HygonBackendProvider implements BackendProvider {

    /** CPUID.80000001h:ECX bit 2. */
    private static final int SVM_BIT = 2;

    @Override
    public String name() {
        return "hygon";
    }

    @Override
    public String description() {
        return "Hygon Dhyana: AMD SVM under the HygonGenuine vendor (example plug-in)";
    }

    @Override
    public String requirement() {
        return "HygonGenuine with CPUID.80000001h:ECX.SVM[bit 2]";
    }

    @Override
    public Optional<String> supports(HostCpu host) {
        if (!HygonDhyanaCpu.VENDOR.equals(host.vendor())) {
            return Optional.empty();
        }
        if (!host.hasFeature(0x8000_0001, 'c', SVM_BIT)) {
            return Optional.empty();
        }
        return Optional.of("vendor HygonGenuine with SVM (CPUID.80000001h:ECX[2])");
    }

    @Override
    public Vm createVm(HostCpu host) {
        return svm().createVm(host);
    }

    private static BackendProvider svm() {
        for (BackendProvider provider : ServiceLoader.load(BackendProvider.class,
            HygonBackendProvider.class.getClassLoader())) {
            if (provider.name().equals("svm")) {
                return provider;
            }
        }
        throw new IllegalStateException("the hygon backend needs HVE's svm backend on the class path");
    }
}
