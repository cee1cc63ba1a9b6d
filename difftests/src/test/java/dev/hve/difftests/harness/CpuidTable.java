package dev.hve.difftests.harness;

import dev.hve.api.CpuidLeaf;

/**
 * The guest-visible CPUID of every differential run: one fixed, made-up table, identical for both
 * backends, so the guest cannot see which vendor's host it runs on.
 */
public final class CpuidTable {

    private CpuidTable() {
    }

    public static CpuidLeaf leaf(int leaf, int subleaf) {
        int seed = leaf * 0x9E37_79B9 ^ subleaf * 0x85EB_CA6B;
        return new CpuidLeaf(mix(seed, 1), mix(seed, 2), mix(seed, 3), mix(seed, 4));
    }

    private static int mix(int seed, int register) {
        int x = seed + register * 0x27D4_EB2F;
        x ^= x >>> 15;
        x *= 0x2C1B_3C6D;
        x ^= x >>> 12;
        return x;
    }
}
