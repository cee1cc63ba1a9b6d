package com.example.hygon;

import dev.hve.api.CpuidLeaf;
import dev.hve.api.HostCpu;

/**
 * A modeled Hygon Dhyana host: AMD's Zen design licensed to Hygon, so its CPUID follows AMD's
 * layout (SVM in CPUID.80000001h:ECX[2], SVM features in 8000000Ah) under its own vendor string
 * "HygonGenuine" and family 18h. Linux's KVM accepts it wherever it accepts AMD.
 */
public final class HygonDhyanaCpu implements HostCpu {

    static final String VENDOR = "HygonGenuine";

    private static final int MAX_BASIC = 0xD;
    private static final int MAX_EXTENDED = 0x8000_000A;

    @Override
    public String name() {
        return "hygon";
    }

    @Override
    public CpuidLeaf cpuid(int leaf, int subleaf) {
        int[] vendor = vendorRegisters();
        switch (leaf) {
            case 0:
                return new CpuidLeaf(MAX_BASIC, vendor[0], vendor[2], vendor[1]);
            case 1:
                // Family 18h = base 0xF + extended 0x9; model 0, stepping 1. ECX/EDX: the Zen set
                // the shared core implements (SSE3, SSSE3, CX16, SSE4.1/4.2, MOVBE, POPCNT; FPU..SSE2).
                return new CpuidLeaf(0x0090_0F01, 0x0001_0800, 0x00C0_2201 | (1 << 13) | (1 << 19) | (1 << 20),
                    0x078B_FBFF);
            case 0x8000_0000:
                return new CpuidLeaf(MAX_EXTENDED, vendor[0], vendor[2], vendor[1]);
            case 0x8000_0001:
                // ECX: LAHF/SAHF, SVM (bit 2), LZCNT. EDX: SYSCALL, NX, 1 GiB pages, RDTSCP, LM.
                return new CpuidLeaf(0x0090_0F01, 0, (1 << 0) | (1 << 2) | (1 << 5),
                    (1 << 11) | (1 << 20) | (1 << 26) | (1 << 27) | (1 << 29));
            case 0x8000_000A:
                // SVM revision 1; NP, NRIPS, VMCB clean bits, flush by ASID, decode assists.
                return new CpuidLeaf(1, 0x8000, 0, (1 << 0) | (1 << 3) | (1 << 5) | (1 << 6) | (1 << 7));
            default:
                return CpuidLeaf.ZERO;
        }
    }

    /** The vendor string as leaf 0 returns it: EBX, EDX, ECX hold bytes 0-3, 4-7 and 8-11. */
    private static int[] vendorRegisters() {
        int[] words = new int[3];
        for (int i = 0; i < 12; i++) {
            words[i / 4] |= (VENDOR.charAt(i) & 0xFF) << (8 * (i % 4));
        }
        return words; // [EBX, EDX, ECX]
    }
}
