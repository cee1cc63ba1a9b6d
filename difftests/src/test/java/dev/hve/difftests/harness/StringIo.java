package dev.hve.difftests.harness;

import dev.hve.api.Register;
import dev.hve.api.SegmentRegister;
import dev.hve.api.Vcpu;
import dev.hve.api.Vm;
import dev.hve.api.VmExit;

/**
 * The monitor's emulation of INS/OUTS from the common port-I/O exit: all iterations at once, with
 * the address size, segment and REP flag the exit reports (so a wrong payload changes what the
 * guest sees). Guest memory is reached through the guest's own paging (readLinear for OUTS,
 * translateLinear for INS), as a monitor must.
 */
final class StringIo {

    private StringIo() {
    }

    /** Returns null when done, or why the access could not be emulated. */
    static String emulate(Vm vm, Vcpu vcpu, VmExit.PortIo io, Devices devices) {
        int size = io.size();
        long addressMask = io.addressSize() == 8 ? -1L : (1L << (8 * io.addressSize())) - 1;
        long count = io.rep() ? vcpu.register(Register.RCX) & addressMask : 1;
        if (count > Monitor.MAX_STRING_COUNT) {
            return "string I/O count " + count + " beyond what the generators emit";
        }
        boolean down = (vcpu.register(Register.RFLAGS) & (1 << 10)) != 0;
        Register pointer = io.in() ? Register.RDI : Register.RSI;
        // INS always writes through ES; OUTS reads through the (overridable) segment of the exit.
        long base = vcpu.segment(io.in() ? SegmentRegister.ES : io.segment()).base();
        for (long k = 0; k < count; k++) {
            long offset = vcpu.register(pointer) & addressMask;
            long linear = base + offset;
            if (io.in()) {
                long physical = vcpu.translateLinear(linear, true);
                if (physical < 0) {
                    return "INS destination 0x" + Long.toHexString(linear) + " not writable";
                }
                vm.memory().writeValue(physical, size, devices.portIn(io.port(), size));
            } else {
                byte[] buffer = new byte[size];
                if (vcpu.readLinear(linear, buffer, size) != size) {
                    return "OUTS source 0x" + Long.toHexString(linear) + " unreadable";
                }
                long value = 0;
                for (int b = size - 1; b >= 0; b--) {
                    value = value << 8 | (buffer[b] & 0xFF);
                }
                devices.portOut(io.port(), size, value);
            }
            long next = (offset + (down ? -size : size)) & addressMask;
            vcpu.setRegister(pointer, (vcpu.register(pointer) & ~addressMask) | next);
        }
        if (io.rep()) {
            vcpu.setRegister(Register.RCX, vcpu.register(Register.RCX) & ~addressMask);
        }
        return null;
    }
}
