package dev.hve.api;

/** The four output registers of one CPUID leaf/subleaf. */
public record CpuidLeaf(int eax, int ebx, int ecx, int edx) {
    public static final CpuidLeaf ZERO = new CpuidLeaf(0, 0, 0, 0);
}
