package dev.hve.svm.guest;

import dev.hve.api.DescriptorTable;
import dev.hve.api.InterceptConfig;
import dev.hve.api.MemoryMap;
import dev.hve.api.Register;
import dev.hve.api.Segment;
import dev.hve.api.SegmentRegister;
import dev.hve.svm.SvmVcpu;
import dev.hve.svm.SvmVm;
import dev.hve.svm.TestHosts;
import dev.hve.svm.vmcb.VmcbWriter;
import java.util.BitSet;
import java.util.Set;

/**
 * A tiny guest: 2 MiB of RAM, hand-assembled 32-bit code at {@link #CODE}, flat segments,
 * paging off, interrupts off, a stack at {@link #STACK}. Everything goes through the common API,
 * as the platform would do it.
 */
final class GuestHarness {

    static final long CODE = 0x1000;
    static final long DATA = 0x3000;
    static final long STACK = 0x8000;
    static final long IDT = 0x6000;
    static final long GDT = 0x500;

    final SvmVm vm;
    final SvmVcpu vcpu;

    GuestHarness(int... code) {
        this(TestHosts.amd(), code);
    }

    GuestHarness(dev.hve.api.HostCpu host, int... code) {
        vm = new SvmVm(host);
        vm.setMemoryMap(MemoryMap.ram(0x20_0000));
        vcpu = (SvmVcpu) vm.createVcpu();
        byte[] bytes = new byte[code.length];
        for (int i = 0; i < code.length; i++) {
            bytes[i] = (byte) code[i];
        }
        vm.memory().write(CODE, bytes, 0, bytes.length);
        vcpu.setRegister(Register.CR0, 0x11);
        vcpu.setRegister(Register.CR4, 0);
        vcpu.setRegister(Register.EFER, 0);
        vcpu.setSegment(SegmentRegister.CS, Segment.flat(0x08, 0xB, 0, true, false));
        for (SegmentRegister s : new SegmentRegister[] {SegmentRegister.DS, SegmentRegister.ES, SegmentRegister.SS,
            SegmentRegister.FS, SegmentRegister.GS}) {
            vcpu.setSegment(s, Segment.flat(0x10, 0x3, 0, true, false));
        }
        vcpu.setSegment(SegmentRegister.LDTR, new Segment(0, 0, 0xFFFF, 0x82, true));
        vcpu.setSegment(SegmentRegister.TR, new Segment(0, 0, 0x67, 0x8B, false));
        // GDT: null, flat 32-bit code (0x08), flat data (0x10), for event delivery through gates.
        vm.memory().writeValue(GDT, 8, 0);
        vm.memory().writeValue(GDT + 8, 8, 0x00CF_9B00_0000_FFFFL);
        vm.memory().writeValue(GDT + 16, 8, 0x00CF_9300_0000_FFFFL);
        vcpu.setGdtr(new DescriptorTable(GDT, 23));
        vcpu.setIdtr(new DescriptorTable(IDT, 0x3FF));
        vcpu.setRegister(Register.RFLAGS, 0x2);
        vcpu.setRegister(Register.RIP, CODE);
        vcpu.setRegister(Register.RSP, STACK);
        intercepts(config(allPorts(), Set.of(), 0, true, true, false, false));
    }

    static BitSet allPorts() {
        BitSet ports = new BitSet();
        ports.set(0, 0x10000);
        return ports;
    }

    static InterceptConfig config(BitSet ports, Set<Integer> msrs, int exceptions, boolean cpuid, boolean hlt,
                                  boolean rdtsc, boolean invlpg) {
        return new InterceptConfig(ports, msrs, exceptions, cpuid, hlt, rdtsc, invlpg);
    }

    GuestHarness intercepts(InterceptConfig config) {
        vcpu.configureIntercepts(config);
        return this;
    }

    /** A 32-bit interrupt gate for {@code vector} to {@code handler} in the IDT at {@link #IDT}. */
    void gate(int vector, long handler) {
        long low = (handler & 0xFFFF) | 0x08L << 16 | 0x8EL << 40 | (handler >>> 16 & 0xFFFF) << 48;
        vm.memory().writeValue(IDT + 8L * vector, 8, low);
    }

    /** Switches to 64-bit mode: the first 2 MiB identity-mapped by one large page. */
    GuestHarness longMode() {
        long pml4 = 0x10000;
        vm.memory().writeValue(pml4, 8, 0x11000 | 0x3);
        vm.memory().writeValue(0x11000, 8, 0x12000 | 0x3);
        vm.memory().writeValue(0x12000, 8, 0x83);
        vm.memory().writeValue(GDT + 24, 8, 0x00AF_9B00_0000_FFFFL);
        vcpu.setGdtr(new DescriptorTable(GDT, 31));
        vcpu.setRegister(Register.CR3, pml4);
        vcpu.setRegister(Register.CR4, 0x20);
        vcpu.setRegister(Register.EFER, 0x500);
        vcpu.setRegister(Register.CR0, 0x8000_0011L);
        vcpu.setSegment(SegmentRegister.CS, Segment.flat(0x18, 0xB, 0, false, true));
        return this;
    }

    long rip() {
        return vcpu.register(Register.RIP);
    }

    /**
     * The test as hypervisor writing the raw VMCB between runs: through a {@link VmcbWriter}, so
     * that the clean bit of each area written is cleared, as APM Vol. 2 §15.15.3 requires.
     */
    VmcbWriter hypervisor() {
        return new VmcbWriter(vcpu.vmcb());
    }
}
