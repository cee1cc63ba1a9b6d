package dev.hve.bench;

import dev.hve.api.HostCpu;
import dev.hve.api.spi.BackendProvider;
import dev.hve.emulator.cpuid.CpuModel;
import dev.hve.emulator.cpuid.CpuModels;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Finds a backend by name through {@link ServiceLoader}, as the runner does, and the built-in
 * host CPU model it runs on (Intel for VMX, AMD for SVM: whichever model the provider's CPUID
 * probe accepts). Benchmarks never name a concrete backend class.
 */
final class Backends {

    /** A provider with the host CPU it accepted. */
    record Choice(BackendProvider provider, HostCpu host) {
    }

    private Backends() {
    }

    static Choice byName(String name) {
        List<String> names = new ArrayList<>();
        for (BackendProvider provider : ServiceLoader.load(BackendProvider.class)) {
            names.add(provider.name());
            if (!provider.name().equals(name)) {
                continue;
            }
            for (CpuModel model : CpuModels.all()) {
                HostCpu host = new ModelHost(model);
                if (provider.supports(host).isPresent()) {
                    return new Choice(provider, host);
                }
            }
            throw new IllegalStateException("backend " + name + " supports none of the built-in host CPU models");
        }
        throw new IllegalStateException("backend " + name + " is not on the class path (found: " + names + ")");
    }
}
