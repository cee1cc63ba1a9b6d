package dev.hve.vmx;

import dev.hve.api.DescriptorTable;
import dev.hve.api.InterceptConfig;
import dev.hve.api.MemoryMap;
import dev.hve.api.Register;
import dev.hve.api.Segment;
import dev.hve.api.SegmentRegister;
import java.util.BitSet;
import java.util.List;
import java.util.Set;

/**
 * A tiny guest for tests: 2 MiB of RAM at 0, hand-assembled code at {@link #CODE}, run in 32-bit
 * flat protected mode (or real mode) through the backend's own Vm and Vcpu.
 */
final class Guest {

    static final long CODE = 0x1000;
    static final long STACK = 0x8000;
    static final long MMIO = 0xFEE0_0000L;

    final VmxVm vm;
    final VmxVcpu vcpu;

    Guest() {
        vm = (VmxVm) new VmxBackendProvider().createVm(TestHosts.intel());
        vm.setMemoryMap(new MemoryMap(List.of(new MemoryMap.Region(0, 2L << 20))));
        vcpu = (VmxVcpu) vm.createVcpu();
    }

    /** Writes {@code code} at {@link #CODE} and sets up 32-bit flat protected mode there. */
    Guest flat32(int... code) {
        load(code);
        vcpu.setRegister(Register.CR0, 0x11);
        vcpu.setSegment(SegmentRegister.CS, Segment.flat(0x08, 0xB, 0, true, false));
        for (SegmentRegister s : new SegmentRegister[] {SegmentRegister.DS, SegmentRegister.ES, SegmentRegister.SS,
            SegmentRegister.FS, SegmentRegister.GS}) {
            vcpu.setSegment(s, Segment.flat(0x10, 0x3, 0, true, false));
        }
        vcpu.setSegment(SegmentRegister.TR, new Segment(0x18, 0, 0x67, 0x8B, false));
        vcpu.setSegment(SegmentRegister.LDTR, new Segment(0, 0, 0, 0, true));
        vcpu.setGdtr(new DescriptorTable(0x500, 0x1F));
        vcpu.setIdtr(new DescriptorTable(0x600, 0x7FF));
        vcpu.setRegister(Register.RIP, CODE);
        vcpu.setRegister(Register.RSP, STACK);
        vcpu.setRegister(Register.RFLAGS, 2);
        return this;
    }

    /** Writes {@code code} at {@link #CODE} and sets up 64-bit mode: 4-level paging with a 2 MiB identity page. */
    Guest long64(int... code) {
        flat32(code);
        vm.memory().writeValue(0x10000, 8, 0x11003);
        vm.memory().writeValue(0x11000, 8, 0x12003);
        vm.memory().writeValue(0x12000, 8, 0x83);
        vcpu.setRegister(Register.CR3, 0x10000);
        vcpu.setRegister(Register.CR4, 0x20);
        vcpu.setRegister(Register.EFER, 0x500);
        vcpu.setRegister(Register.CR0, 0x8000_0011L);
        vcpu.setSegment(SegmentRegister.CS, Segment.flat(0x08, 0xB, 0, false, true));
        return this;
    }

    /** Writes {@code code} at {@link #CODE} and runs it in real mode at 0000:1000. */
    Guest real16(int... code) {
        load(code);
        vcpu.setRegister(Register.CR0, 0x10);
        vcpu.setSegment(SegmentRegister.CS, Segment.realMode(0, true));
        for (SegmentRegister s : new SegmentRegister[] {SegmentRegister.DS, SegmentRegister.ES, SegmentRegister.SS,
            SegmentRegister.FS, SegmentRegister.GS}) {
            vcpu.setSegment(s, Segment.realMode(0, false));
        }
        vcpu.setRegister(Register.RIP, CODE);
        vcpu.setRegister(Register.RSP, STACK);
        return this;
    }

    /** Writes a flat GDT (null, code 08h, data 10h, TSS 18h) at 500h and an interrupt gate for {@code vector}. */
    Guest gate(int vector, long handler) {
        vm.memory().writeValue(0x508, 8, 0x00CF_9B00_0000_FFFFL);
        vm.memory().writeValue(0x510, 8, 0x00CF_9300_0000_FFFFL);
        vm.memory().writeValue(0x518, 8, 0x0000_8B00_0000_0067L);
        long gate = (handler & 0xFFFF) | (0x08L << 16) | (0x8EL << 40) | ((handler >>> 16) << 48);
        vm.memory().writeValue(0x600 + 8L * vector, 8, gate);
        return this;
    }

    /** Writes {@code code} at {@code address}. */
    Guest at(long address, int... code) {
        byte[] bytes = new byte[code.length];
        for (int i = 0; i < code.length; i++) {
            bytes[i] = (byte) code[i];
        }
        vm.memory().write(address, bytes, 0, bytes.length);
        return this;
    }

    /** One raw VM entry with the given preemption-timer value: the exit-reason field. */
    int enter(long timer) {
        return vcpu.enterOnce(timer);
    }

    long field(dev.hve.vmx.vmcs.VmcsField field) {
        return vcpu.vmcs().read(field);
    }

    void set(dev.hve.vmx.vmcs.VmcsField field, long value) {
        vcpu.vmcs().write(field, value);
    }

    void setBits(dev.hve.vmx.vmcs.VmcsField field, long bits) {
        vcpu.vmcs().write(field, vcpu.vmcs().read(field) | bits);
    }

    void clearBits(dev.hve.vmx.vmcs.VmcsField field, long bits) {
        vcpu.vmcs().write(field, vcpu.vmcs().read(field) & ~bits);
    }

    void load(int... code) {
        byte[] bytes = new byte[code.length];
        for (int i = 0; i < code.length; i++) {
            bytes[i] = (byte) code[i];
        }
        vm.memory().write(CODE, bytes, 0, bytes.length);
    }

    /** Intercepts everything a monitor usually does, plus the given exceptions. */
    Guest intercept(boolean cpuid, int exceptionBitmap) {
        BitSet ports = new BitSet(65536);
        ports.set(0, 65536);
        vcpu.configureIntercepts(new InterceptConfig(ports, null, exceptionBitmap, cpuid, true, false, false));
        return this;
    }

    Guest intercept(InterceptConfig config) {
        vcpu.configureIntercepts(config);
        return this;
    }

    static InterceptConfig ports(int... ports) {
        BitSet set = new BitSet(65536);
        for (int p : ports) {
            set.set(p);
        }
        return new InterceptConfig(set, Set.of(), 0, false, false, false, false);
    }
}
