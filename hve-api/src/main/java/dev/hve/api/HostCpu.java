package dev.hve.api;

import java.nio.charset.StandardCharsets;

/**
 * The modeled host processor as a backend sees it: its CPUID. Backends decide from it whether
 * they can run, exactly as a hypervisor probes real silicon (Xen's {@code start_vmx()} and
 * {@code start_svm()} were chosen this way).
 */
public interface HostCpu {

    /** Executes CPUID on the modeled host for {@code leaf} / {@code subleaf}. */
    CpuidLeaf cpuid(int leaf, int subleaf);

    /** A short name for logs and the runner, such as {@code "intel"}. */
    String name();

    /** The 12-character vendor string of CPUID leaf 0 (EBX, EDX, ECX). */
    default String vendor() {
        CpuidLeaf leaf0 = cpuid(0, 0);
        byte[] text = new byte[12];
        int[] words = {leaf0.ebx(), leaf0.edx(), leaf0.ecx()};
        for (int w = 0; w < 3; w++) {
            for (int b = 0; b < 4; b++) {
                text[w * 4 + b] = (byte) (words[w] >>> (8 * b));
            }
        }
        return new String(text, StandardCharsets.US_ASCII);
    }

    /** True when CPUID reports {@code bit} set in register {@code reg} ('a','b','c','d') of the leaf. */
    default boolean hasFeature(int leaf, char reg, int bit) {
        if (Integer.compareUnsigned(leaf, cpuid(leaf & 0x8000_0000, 0).eax()) > 0) {
            return false;
        }
        CpuidLeaf value = cpuid(leaf, 0);
        int word = switch (reg) {
            case 'a' -> value.eax();
            case 'b' -> value.ebx();
            case 'c' -> value.ecx();
            case 'd' -> value.edx();
            default -> throw new IllegalArgumentException("register " + reg);
        };
        return (word >>> bit & 1) != 0;
    }
}
