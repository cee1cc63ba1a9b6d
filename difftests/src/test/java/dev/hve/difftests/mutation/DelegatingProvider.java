package dev.hve.difftests.mutation;

import dev.hve.api.HostCpu;
import dev.hve.api.Vm;
import dev.hve.api.spi.BackendProvider;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** A backend provider that hands out its delegate's VMs with every vCPU passed through a wrapper. */
final class DelegatingProvider implements BackendProvider {

    private final BackendProvider delegate;
    private final UnaryOperator<dev.hve.api.Vcpu> wrapVcpu;

    DelegatingProvider(BackendProvider delegate, UnaryOperator<dev.hve.api.Vcpu> wrapVcpu) {
        this.delegate = delegate;
        this.wrapVcpu = wrapVcpu;
    }

    /** The hook Differential.Wrappers takes: wrap a provider so its vCPUs are mutated by {@code wrapVcpu}. */
    static UnaryOperator<BackendProvider> wrapping(UnaryOperator<dev.hve.api.Vcpu> wrapVcpu) {
        return provider -> new DelegatingProvider(provider, wrapVcpu);
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public String description() {
        return delegate.description() + " (mutated for a test)";
    }

    @Override
    public String requirement() {
        return delegate.requirement();
    }

    @Override
    public Optional<String> supports(HostCpu host) {
        return delegate.supports(host);
    }

    @Override
    public Vm createVm(HostCpu host) {
        return new DelegatingVm(delegate.createVm(host), wrapVcpu);
    }
}
