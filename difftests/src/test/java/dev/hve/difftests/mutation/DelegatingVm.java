package dev.hve.difftests.mutation;

import dev.hve.api.GuestMemory;
import dev.hve.api.MemoryMap;
import dev.hve.api.Vcpu;
import dev.hve.api.Vm;
import java.util.function.UnaryOperator;

/** A VM that forwards everything and wraps the vCPUs it creates. */
final class DelegatingVm implements Vm {

    private final Vm delegate;
    private final UnaryOperator<Vcpu> wrapVcpu;

    DelegatingVm(Vm delegate, UnaryOperator<Vcpu> wrapVcpu) {
        this.delegate = delegate;
        this.wrapVcpu = wrapVcpu;
    }

    @Override
    public String backendName() {
        return delegate.backendName();
    }

    @Override
    public void setMemoryMap(MemoryMap map) {
        delegate.setMemoryMap(map);
    }

    @Override
    public MemoryMap memoryMap() {
        return delegate.memoryMap();
    }

    @Override
    public GuestMemory memory() {
        return delegate.memory();
    }

    @Override
    public Vcpu createVcpu() {
        return wrapVcpu.apply(delegate.createVcpu());
    }
}
