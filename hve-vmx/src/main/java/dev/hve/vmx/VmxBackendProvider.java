package dev.hve.vmx;

import dev.hve.api.HostCpu;
import dev.hve.api.Vm;
import dev.hve.api.spi.BackendProvider;
import java.util.Optional;

/**
 * The Intel VT-x backend. It supports a host whose CPUID says GenuineIntel with
 * CPUID.1:ECX.VMX[bit 5] set, the test Intel SDM Vol. 3C §24.6 ("Discovering Support for VMX")
 * prescribes.
 */
public final class VmxBackendProvider implements BackendProvider {

    static final String NAME = "vmx";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Intel VT-x: a VMCS model with EPT over the emulated core";
    }

    @Override
    public String requirement() {
        return "GenuineIntel with CPUID.1:ECX.VMX[bit 5]";
    }

    @Override
    public Optional<String> supports(HostCpu host) {
        if (!"GenuineIntel".equals(host.vendor())) {
            return Optional.empty();
        }
        if (!host.hasFeature(1, 'c', 5)) {
            return Optional.empty();
        }
        return Optional.of("host CPU is GenuineIntel with CPUID.1:ECX.VMX[bit 5] set");
    }

    @Override
    public Vm createVm(HostCpu host) {
        return new VmxVm(host);
    }
}
