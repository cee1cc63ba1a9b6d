package dev.hve.emulator.cpuid;

import dev.hve.emulator.fpu.XSave;
import java.util.HashMap;
import java.util.Map;

/**
 * CPUID leaves of the modeled Intel host: a Core-class part with VMX. Feature bits follow the
 * Intel SDM Vol. 2A CPUID tables; values are {EAX, EBX, ECX, EDX}.
 */
final class IntelLeaves {

    static final Map<Long, int[]> TABLE;

    static {
        Map<Long, int[]> t = new HashMap<>();
        int[] vendor = TableCpuModel.vendorRegisters("GenuineIntel");
        t.put(TableCpuModel.key(0, 0), new int[] {0xD, vendor[0], vendor[1], vendor[2]});
        // Family 6, model 0x55 stepping 4 (a Skylake-SP signature); hypervisor bit clear.
        // Leaf 1 ECX: VMX(5), CX16(13), MOVBE(22), POPCNT(23), XSAVE(26) (OSXSAVE, 27, mirrors
        // CR4.OSXSAVE at execution); EDX: the classic set with FPU, MMX, FXSR, SSE and SSE2, which the
        // x87/SIMD units implement. SSE3, SSSE3 and SSE4.x are not implemented, so they are not
        // offered: glibc picks its string functions from these bits.
        t.put(TableCpuModel.key(1, 0), new int[] {0x0005_0654, 0x0001_0800,
            (1 << 5) | (1 << 13) | (1 << 22) | (1 << 23) | (1 << 26),
            0x078B_FBFF & ~(1 << 1)}); // VME (bit 1) is not modeled
        // Leaf 7: only ERMS (bit 9). BMI1/BMI2 are VEX-encoded and not modeled, so TZCNT runs as
        // BSF on this model, as it does on parts without BMI1.
        t.put(TableCpuModel.key(7, 0), new int[] {0, 1 << 9, 0, 0});
        putXsaveLeaf(t);
        t.put(TableCpuModel.key(0x8000_0000, 0), new int[] {0x8000_0008, 0, 0, 0});
        // ECX: LAHF/SAHF(0), LZCNT(5), PREFETCHW(8). EDX: SYSCALL(11), NX(20), 1GB pages(26), RDTSCP(27), LM(29).
        t.put(TableCpuModel.key(0x8000_0001, 0), new int[] {0, 0, (1 << 0) | (1 << 5) | (1 << 8),
            (1 << 11) | (1 << 20) | (1 << 26) | (1 << 27) | (1 << 29)});
        putBrand(t, "Intel(R) Core(TM) HVE model @ 3.00GHz");
        t.put(TableCpuModel.key(0x8000_0008, 0), new int[] {0x3027, 0, 0, 0}); // 39-bit physical, 48-bit linear
        TABLE = Map.copyOf(t);
    }

    private IntelLeaves() {
    }

    /**
     * Leaf 0Dh (SDM Vol. 1 §13.2; APM Vol. 3 CPUID Fn0000_000D): sub-leaf 0 EAX = the XCR0 bits
     * supported, x87 and SSE (EDX, bits 63:32, none); EBX = the XSAVE area size for the components
     * XCR0 enables and ECX = the size for all supported ones: 576 (legacy region and header) in
     * every case, since XCR0 is 1 or 3 and neither component lies in the extended region. Sub-leaf 1
     * (XSAVEOPT, XSAVEC, XGETBV with ECX = 1, XSAVES) is absent, so it reads as zeros; so do the
     * sub-leaves of components 2 and up.
     */
    static void putXsaveLeaf(Map<Long, int[]> table) {
        table.put(TableCpuModel.key(0xD, 0), new int[] {(int) XSave.SUPPORTED, XSave.AREA_SIZE, XSave.AREA_SIZE, 0});
    }

    static void putBrand(Map<Long, int[]> table, String brand) {
        byte[] text = new byte[48];
        byte[] source = brand.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(source, 0, text, 0, Math.min(47, source.length));
        for (int leaf = 0; leaf < 3; leaf++) {
            int[] regs = new int[4];
            for (int r = 0; r < 4; r++) {
                for (int b = 0; b < 4; b++) {
                    regs[r] |= (text[leaf * 16 + r * 4 + b] & 0xFF) << (8 * b);
                }
            }
            table.put(TableCpuModel.key(0x8000_0002 + leaf, 0), regs);
        }
    }
}
