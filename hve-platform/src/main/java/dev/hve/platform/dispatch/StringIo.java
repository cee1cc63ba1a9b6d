package dev.hve.platform.dispatch;

import dev.hve.api.Event;
import dev.hve.api.GuestMemory;
import dev.hve.api.Register;
import dev.hve.api.Segment;
import dev.hve.api.SegmentRegister;
import dev.hve.api.Vcpu;
import dev.hve.api.VmExit;
import dev.hve.platform.io.IoPortBus;

/**
 * INS and OUTS, emulated in common code from the exit's information alone: port, size,
 * direction, REP, address size and segment, whichever vendor reported them (Intel SDM Vol. 2B,
 * INS/OUTS; Vol. 3C §28.2.1 exit qualification; AMD APM Vol. 2 §15.10.2 EXITINFO1).
 *
 * <p>A REP run is carried out in batches of up to {@link #BATCH} elements per exit, rather than
 * one exit per element: the registers are updated as the hardware would after that many
 * iterations, and while RCX is not yet zero the instruction is left to run again, which takes the
 * next exit. Batching is the same on every backend, so exits stay identical.
 */
final class StringIo {

    /** Elements moved per exit. Large enough to amortize the exit, small enough to stay responsive. */
    static final int BATCH = 4096;
    private static final int PF = 14;
    private static final int PF_PRESENT = 1;
    private static final int PF_WRITE = 2;
    private static final int PF_USER = 4;
    private static final long DF = 1L << 10;

    private StringIo() {
    }

    /**
     * Emulates up to one batch of the string instruction the vCPU stopped at.
     *
     * @return the last element's value, for the exit trace
     */
    static long emulate(Vcpu vcpu, VmExit.PortIo io, IoPortBus bus, GuestMemory memory) {
        long mask = io.addressSize() == 8 ? -1L : (1L << (8 * io.addressSize())) - 1;
        long rcx = vcpu.register(Register.RCX);
        long count = io.rep() ? rcx & mask : 1;
        if (count == 0) {
            vcpu.completeInstruction();
            return 0;
        }
        Register index = io.in() ? Register.RDI : Register.RSI;
        // INS always writes ES:rDI; OUTS reads the (overridable) source segment, DS by default.
        SegmentRegister segment = io.in() ? SegmentRegister.ES : io.segment();
        long base = segmentBase(vcpu, segment);
        long offset = vcpu.register(index);
        int step = (vcpu.register(Register.RFLAGS) & DF) != 0 ? -io.size() : io.size();
        long batch = Math.min(count, BATCH);
        long value = 0;
        long done = 0;
        while (done < batch) {
            long linear = base + (offset & mask);
            long physical = vcpu.translateLinear(linear, io.in());
            if (physical < 0 || !memory.isRam(physical) || !memory.isRam(physical + io.size() - 1)
                || (linear & 0xFFF) > 0x1000 - io.size()) {
                if (physical < 0) {
                    // Registers already reflect the elements done, as after a fault mid-REP.
                    commit(vcpu, index, offset, mask, io.rep(), rcx, done);
                    pageFault(vcpu, linear, io.in());
                    return value;
                }
                value = elementSlowly(vcpu, io, bus, memory, linear);
            } else if (io.in()) {
                value = bus.read(io.port(), io.size());
                memory.writeValue(physical, io.size(), value);
            } else {
                value = memory.readValue(physical, io.size());
                bus.write(io.port(), io.size(), value);
            }
            offset += step;
            done++;
        }
        commit(vcpu, index, offset, mask, io.rep(), rcx, done);
        if (!io.rep() || count == done) {
            vcpu.completeInstruction();
        }
        return value;
    }

    /** An element that straddles a page or touches non-RAM: byte by byte through translation. */
    private static long elementSlowly(Vcpu vcpu, VmExit.PortIo io, IoPortBus bus, GuestMemory memory, long linear) {
        long value = io.in() ? bus.read(io.port(), io.size()) : 0;
        for (int b = 0; b < io.size(); b++) {
            long physical = vcpu.translateLinear(linear + b, io.in());
            boolean ram = physical >= 0 && memory.isRam(physical);
            if (io.in()) {
                if (ram) {
                    memory.writeValue(physical, 1, value >>> (8 * b));
                }
            } else {
                long part = ram ? memory.readValue(physical, 1) : 0xFF;
                value |= part << (8 * b);
            }
        }
        if (!io.in()) {
            bus.write(io.port(), io.size(), value);
        }
        return value;
    }

    /**
     * Writes back rSI/rDI and rCX. The address size decides the width: a 16-bit update keeps the
     * upper bits, a 32-bit one zero-extends as every 32-bit register write does in 64-bit mode.
     */
    private static void commit(Vcpu vcpu, Register index, long offset, long mask, boolean rep, long rcx, long done) {
        vcpu.setRegister(index, merge(vcpu.register(index), offset, mask));
        if (rep) {
            vcpu.setRegister(Register.RCX, merge(rcx, (rcx & mask) - done, mask));
        }
    }

    private static long merge(long old, long value, long mask) {
        if (mask == 0xFFFF) {
            return (old & ~0xFFFFL) | (value & 0xFFFF);
        }
        return value & mask;
    }

    /** In 64-bit mode only FS and GS have a base (Intel SDM Vol. 3A §3.4.4). */
    private static long segmentBase(Vcpu vcpu, SegmentRegister segment) {
        boolean mode64 = (vcpu.register(Register.EFER) & (1L << 10)) != 0
            && (vcpu.segment(SegmentRegister.CS).attributes() & Segment.L) != 0;
        if (mode64 && segment != SegmentRegister.FS && segment != SegmentRegister.GS) {
            return 0;
        }
        long base = vcpu.segment(segment).base();
        return mode64 ? base : base & 0xFFFF_FFFFL;
    }

    /**
     * The guest's own page fault for the access: present-but-protected when a read would have
     * succeeded where the write did not; CR2 holds the address (Intel SDM Vol. 3A §4.7).
     */
    private static void pageFault(Vcpu vcpu, long linear, boolean write) {
        boolean present = write && vcpu.translateLinear(linear, false) >= 0;
        boolean user = vcpu.segment(SegmentRegister.SS).dpl() == 3;
        int code = (present ? PF_PRESENT : 0) | (write ? PF_WRITE : 0) | (user ? PF_USER : 0);
        vcpu.setRegister(Register.CR2, linear);
        vcpu.inject(new Event.HardwareException(PF, code));
    }
}
