package dev.hve.difftests.harness;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The recording fakes behind the harness's monitor: a port bus, an MMIO device, an MSR table and
 * a hypercall handler. Reads return values that depend only on the address and how many reads
 * came before, so two runs that issue the same accesses see the same values, and runs that
 * diverge tend to diverge visibly.
 */
final class Devices {

    final List<Transaction> log = new ArrayList<>();
    private final Map<Integer, Long> msrs = new HashMap<>();
    private int reads;

    long portIn(int port, int size) {
        long value = value(port, size);
        log.add(new Transaction("in", port, size, value));
        return value;
    }

    void portOut(int port, int size, long value) {
        log.add(new Transaction("out", port, size, value & mask(size)));
    }

    long mmioRead(long address, int size) {
        long value = value(address, size);
        log.add(new Transaction("mmio-read", address, size, value));
        return value;
    }

    void mmioWrite(long address, int size, long value) {
        log.add(new Transaction("mmio-write", address, size, value & mask(size)));
    }

    long rdmsr(int msr) {
        long value = msrs.getOrDefault(msr, 0x1000_0000_0000L | msr);
        log.add(new Transaction("rdmsr", msr & 0xFFFF_FFFFL, 8, value));
        return value;
    }

    void wrmsr(int msr, long value) {
        msrs.put(msr, value);
        log.add(new Transaction("wrmsr", msr & 0xFFFF_FFFFL, 8, value));
    }

    long hypercall(long function) {
        log.add(new Transaction("hypercall", function, 8, 0));
        return function * 3 + 1;
    }

    private long value(long address, int size) {
        long x = address * 0x9E37_79B9_7F4A_7C15L + ++reads * 0xBF58_476D_1CE4_E5B9L;
        x ^= x >>> 31;
        return x & mask(size);
    }

    static long mask(int size) {
        return size == 8 ? -1L : (1L << (8 * size)) - 1;
    }
}
