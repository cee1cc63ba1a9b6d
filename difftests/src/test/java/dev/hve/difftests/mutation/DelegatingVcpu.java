package dev.hve.difftests.mutation;

import dev.hve.api.DescriptorTable;
import dev.hve.api.Event;
import dev.hve.api.InterceptConfig;
import dev.hve.api.Register;
import dev.hve.api.Segment;
import dev.hve.api.SegmentRegister;
import dev.hve.api.Vcpu;
import dev.hve.api.VendorRecord;
import dev.hve.api.VmExit;

/** A vCPU that forwards everything; each mutation overrides the one operation it breaks. */
class DelegatingVcpu implements Vcpu {

    protected final Vcpu delegate;

    DelegatingVcpu(Vcpu delegate) {
        this.delegate = delegate;
    }

    @Override
    public int index() {
        return delegate.index();
    }

    @Override
    public VmExit run(long instructionBudget) {
        return delegate.run(instructionBudget);
    }

    @Override
    public void configureIntercepts(InterceptConfig config) {
        delegate.configureIntercepts(config);
    }

    @Override
    public long register(Register register) {
        return delegate.register(register);
    }

    @Override
    public void setRegister(Register register, long value) {
        delegate.setRegister(register, value);
    }

    @Override
    public Segment segment(SegmentRegister register) {
        return delegate.segment(register);
    }

    @Override
    public void setSegment(SegmentRegister register, Segment value) {
        delegate.setSegment(register, value);
    }

    @Override
    public DescriptorTable gdtr() {
        return delegate.gdtr();
    }

    @Override
    public void setGdtr(DescriptorTable value) {
        delegate.setGdtr(value);
    }

    @Override
    public DescriptorTable idtr() {
        return delegate.idtr();
    }

    @Override
    public void setIdtr(DescriptorTable value) {
        delegate.setIdtr(value);
    }

    @Override
    public void completeInstruction() {
        delegate.completeInstruction();
    }

    @Override
    public void completeEmulatedInstruction(long nextRip) {
        delegate.completeEmulatedInstruction(nextRip);
    }

    @Override
    public void inject(Event event) {
        delegate.inject(event);
    }

    @Override
    public boolean interruptible() {
        return delegate.interruptible();
    }

    @Override
    public boolean eventPending() {
        return delegate.eventPending();
    }

    @Override
    public void requestInterruptWindow(boolean enabled) {
        delegate.requestInterruptWindow(enabled);
    }

    @Override
    public long retiredInstructions() {
        return delegate.retiredInstructions();
    }

    @Override
    public VendorRecord lastExitRecord() {
        return delegate.lastExitRecord();
    }

    @Override
    public int readLinear(long linearAddress, byte[] destination, int length) {
        return delegate.readLinear(linearAddress, destination, length);
    }

    @Override
    public long translateLinear(long linearAddress, boolean write) {
        return delegate.translateLinear(linearAddress, write);
    }

    @Override
    public void setTscOffset(long offset) {
        delegate.setTscOffset(offset);
    }
}
