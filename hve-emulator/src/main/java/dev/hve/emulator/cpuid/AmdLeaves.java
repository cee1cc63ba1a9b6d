package dev.hve.emulator.cpuid;

import java.util.HashMap;
import java.util.Map;

/**
 * CPUID leaves of the modeled AMD host: a Zen-class part with SVM. Feature bits follow the AMD
 * APM Vol. 3 appendix E; values are {EAX, EBX, ECX, EDX}.
 */
final class AmdLeaves {

    static final Map<Long, int[]> TABLE;

    static {
        Map<Long, int[]> t = new HashMap<>();
        int[] vendor = TableCpuModel.vendorRegisters("AuthenticAMD");
        t.put(TableCpuModel.key(0, 0), new int[] {0xD, vendor[0], vendor[1], vendor[2]});
        // Family 17h (base 0xF + extended 0x8), model 1; no VMX bit on AMD. Leaf 1 ECX: CX16(13),
        // MOVBE(22), POPCNT(23), XSAVE(26) (OSXSAVE, 27, mirrors CR4.OSXSAVE at execution); SSE3,
        // SSSE3 and SSE4.x are not implemented. EDX: the classic set through SSE2.
        t.put(TableCpuModel.key(1, 0), new int[] {0x0080_0F11, 0x0001_0800, (1 << 13) | (1 << 22) | (1 << 23) | (1 << 26),
            0x078B_FBFF & ~(1 << 1)}); // VME (bit 1) is not modeled
        // Leaf 7: nothing offered. BMI1/BMI2 are VEX-encoded and not modeled (TZCNT runs as BSF).
        t.put(TableCpuModel.key(7, 0), new int[] {0, 0, 0, 0});
        IntelLeaves.putXsaveLeaf(t);
        t.put(TableCpuModel.key(0x8000_0000, 0), new int[] {0x8000_000A, vendor[0], vendor[1], vendor[2]});
        // ECX: LAHF/SAHF(0), SVM(2), ABM/LZCNT(5), 3DNowPrefetch(8). EDX, as on Zen parts, mirrors
        // leaf 1's FPU..FXSR bits and adds SYSCALL(11), NX(20), MmxExt(22), FFXSR(25), 1GB pages(26),
        // RDTSCP(27), LM(29): 0x2FD3FBFF.
        t.put(TableCpuModel.key(0x8000_0001, 0), new int[] {0x0080_0F11, 0, (1 << 0) | (1 << 2) | (1 << 5) | (1 << 8),
            0x2FD3_FBFF & ~(1 << 1) & ~(1 << 22) & ~(1 << 25)}); // VME mirror, MmxExt, FFXSR: not modeled
        IntelLeaves.putBrand(t, "AMD HVE model Processor");
        t.put(TableCpuModel.key(0x8000_0008, 0), new int[] {0x3030, 0, 0, 0});
        // SVM revision 1, 16 ASIDs... modeled features in EDX: NP(0), NRIPS(3), VMCB clean(5),
        // flush by ASID(6), decode assists(7) (APM Vol. 3, CPUID Fn8000_000A).
        t.put(TableCpuModel.key(0x8000_000A, 0), new int[] {1, 0x8000, 0, (1 << 0) | (1 << 3) | (1 << 5) | (1 << 6) | (1 << 7)});
        TABLE = Map.copyOf(t);
    }

    private AmdLeaves() {
    }
}
