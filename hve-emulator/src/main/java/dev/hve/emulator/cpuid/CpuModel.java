package dev.hve.emulator.cpuid;

/**
 * A modeled processor's identity: what CPUID returns on it. The core executes CPUID against the
 * model when the backend lets the instruction run in the guest, and backends are selected from
 * the host model's leaves.
 */
public interface CpuModel {

    /** A short name such as {@code "intel"} or {@code "amd"}. */
    String name();

    /** Writes EAX, EBX, ECX, EDX of {@code leaf}/{@code subleaf} into {@code out[0..3]}. */
    void cpuid(int leaf, int subleaf, int[] out);
}
