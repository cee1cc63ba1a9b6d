package dev.hve.platform.boot;

import dev.hve.api.DescriptorTable;
import dev.hve.api.Event;
import dev.hve.api.InterceptConfig;
import dev.hve.api.Register;
import dev.hve.api.Segment;
import dev.hve.api.SegmentRegister;
import dev.hve.api.VendorRecord;
import dev.hve.api.Vcpu;
import dev.hve.api.VmExit;
import java.util.EnumMap;
import java.util.Map;

/** A vCPU that only records the state a loader sets, for loader tests; it cannot run. */
final class RecordingVcpu implements Vcpu {

    final Map<Register, Long> registers = new EnumMap<>(Register.class);
    final Map<SegmentRegister, Segment> segments = new EnumMap<>(SegmentRegister.class);
    DescriptorTable gdtr;
    DescriptorTable idtr;

    @Override
    public int index() {
        return 0;
    }

    @Override
    public VmExit run(long instructionBudget) {
        throw new IllegalStateException("a recording vCPU does not run guests");
    }

    @Override
    public void configureIntercepts(InterceptConfig config) {
    }

    @Override
    public long register(Register register) {
        return registers.getOrDefault(register, 0L);
    }

    @Override
    public void setRegister(Register register, long value) {
        registers.put(register, value);
    }

    @Override
    public Segment segment(SegmentRegister register) {
        return segments.get(register);
    }

    @Override
    public void setSegment(SegmentRegister register, Segment value) {
        segments.put(register, value);
    }

    @Override
    public DescriptorTable gdtr() {
        return gdtr;
    }

    @Override
    public void setGdtr(DescriptorTable value) {
        gdtr = value;
    }

    @Override
    public DescriptorTable idtr() {
        return idtr;
    }

    @Override
    public void setIdtr(DescriptorTable value) {
        idtr = value;
    }

    @Override
    public void completeInstruction() {
        throw new IllegalStateException("not running");
    }

    @Override
    public void completeEmulatedInstruction(long nextRip) {
        throw new IllegalStateException("not running");
    }

    @Override
    public void inject(Event event) {
        throw new IllegalStateException("not running");
    }

    @Override
    public boolean interruptible() {
        return false;
    }

    @Override
    public boolean eventPending() {
        return false;
    }

    @Override
    public void requestInterruptWindow(boolean enabled) {
    }

    @Override
    public void setTscOffset(long offset) {
    }

    @Override
    public long retiredInstructions() {
        return 0;
    }

    @Override
    public VendorRecord lastExitRecord() {
        throw new IllegalStateException("no exit yet");
    }

    @Override
    public int readLinear(long linearAddress, byte[] destination, int length) {
        return 0;
    }

    @Override
    public long translateLinear(long linearAddress, boolean write) {
        return -1;
    }
}
