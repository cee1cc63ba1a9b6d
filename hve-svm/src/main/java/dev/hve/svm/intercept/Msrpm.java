package dev.hve.svm.intercept;

import dev.hve.emulator.memory.HostMemory;

/**
 * The MSR permission map (AMD APM Vol. 2, §15.11): 8 KiB, two bits per MSR (the even bit
 * intercepts RDMSR, the odd bit WRMSR), in four 2 KiB vectors. The first three cover the MSR
 * ranges 0000_0000h-0000_1FFFh, C000_0000h-C000_1FFFh and C001_0000h-C001_1FFFh; the fourth is
 * reserved. An MSR outside the three ranges always causes a #VMEXIT when MSR_PROT is set.
 */
public final class Msrpm {

    public static final int SIZE = 8 * 1024;
    /** Bytes per range vector: 8192 MSRs x 2 bits. */
    public static final int VECTOR_BYTES = 2048;
    public static final int MSRS_PER_VECTOR = VECTOR_BYTES * 4;
    private static final int[] RANGE_BASES = {0x0000_0000, 0xC000_0000, 0xC001_0000};

    private Msrpm() {
    }

    /**
     * The bit index in the map of the read-intercept bit of {@code msr}, or -1 when the MSR lies
     * outside the three mapped ranges. The write-intercept bit is the next one.
     */
    public static int readBit(int msr) {
        for (int v = 0; v < RANGE_BASES.length; v++) {
            int index = msr - RANGE_BASES[v];
            if (index >= 0 && index < MSRS_PER_VECTOR) {
                return v * VECTOR_BYTES * 8 + index * 2;
            }
        }
        return -1;
    }

    public static boolean inMappedRange(int msr) {
        return readBit(msr) >= 0;
    }

    /** Whether RDMSR ({@code write == false}) or WRMSR of {@code msr} is intercepted by the map at {@code base}. */
    public static boolean intercepted(HostMemory memory, long base, int msr, boolean write) {
        int bit = readBit(msr);
        if (bit < 0) {
            return true;
        }
        bit += write ? 1 : 0;
        return (memory.read8(base + (bit >>> 3)) >>> (bit & 7) & 1) != 0;
    }

    public static void set(HostMemory memory, long base, int msr, boolean write, boolean intercept) {
        int bit = readBit(msr);
        if (bit < 0) {
            throw new IllegalArgumentException(String.format("MSR %08x is outside the MSRPM ranges", msr));
        }
        bit += write ? 1 : 0;
        long address = base + (bit >>> 3);
        int value = memory.read8(address);
        int mask = 1 << (bit & 7);
        memory.write8(address, intercept ? value | mask : value & ~mask);
    }
}
