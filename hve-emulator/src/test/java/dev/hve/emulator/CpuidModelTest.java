package dev.hve.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hve.emulator.cpuid.CpuModel;
import dev.hve.emulator.cpuid.CpuModels;
import org.junit.jupiter.api.Test;

/** The modeled CPUs' identity leaves, and CPUID executed by the core against them. */
class CpuidModelTest {

    private static int[] leaf(CpuModel m, int leaf, int sub) {
        int[] r = new int[4];
        m.cpuid(leaf, sub, r);
        return r;
    }

    private static String vendor(int[] l0) {
        StringBuilder sb = new StringBuilder();
        for (int w : new int[] {l0[1], l0[3], l0[2]}) {
            for (int i = 0; i < 4; i++) {
                sb.append((char) ((w >>> (8 * i)) & 0xFF));
            }
        }
        return sb.toString();
    }

    @Test
    void intelHasVmxAndLongMode() {
        CpuModel m = CpuModels.intel();
        assertEquals("GenuineIntel", vendor(leaf(m, 0, 0)));
        assertTrue(leaf(m, 0, 0)[0] >= 0xD);
        assertTrue((leaf(m, 1, 0)[2] & (1 << 5)) != 0, "VMX");
        assertEquals(0, leaf(m, 0x8000_0001, 0)[2] & (1 << 2), "no SVM");
        assertTrue((leaf(m, 0x8000_0001, 0)[3] & (1 << 29)) != 0, "LM");
        assertEquals(0x8000_0008, leaf(m, 0x8000_0000, 0)[0]);
        assertEquals(39, leaf(m, 0x8000_0008, 0)[0] & 0xFF);
        assertEquals(6, (leaf(m, 1, 0)[0] >>> 8) & 0xF, "family 6");
    }

    @Test
    void amdHasSvmLeaf() {
        CpuModel m = CpuModels.amd();
        assertEquals("AuthenticAMD", vendor(leaf(m, 0, 0)));
        assertEquals("AuthenticAMD", vendor(new int[] {0, leaf(m, 0x8000_0000, 0)[1], leaf(m, 0x8000_0000, 0)[2],
            leaf(m, 0x8000_0000, 0)[3]}));
        assertTrue((leaf(m, 0x8000_0001, 0)[2] & (1 << 2)) != 0, "SVM");
        assertEquals(0, leaf(m, 1, 0)[2] & (1 << 5), "no VMX");
        assertTrue(leaf(m, 0x8000_0000, 0)[0] >= 0x8000_000A);
        int[] svm = leaf(m, 0x8000_000A, 0);
        assertEquals(1, svm[0] & 0xFF, "SVM revision");
        assertTrue((svm[3] & 1) != 0, "nested paging");
        int[] l1 = leaf(m, 1, 0);
        assertEquals(0x17, ((l1[0] >>> 8) & 0xF) + ((l1[0] >>> 20) & 0xFF), "family 17h");
    }

    @Test
    void brandStringIsReadable() {
        CpuModel m = CpuModels.intel();
        StringBuilder sb = new StringBuilder();
        for (int l = 0x8000_0002; l <= 0x8000_0004; l++) {
            for (int w : leaf(m, l, 0)) {
                for (int i = 0; i < 4; i++) {
                    char c = (char) ((w >>> (8 * i)) & 0xFF);
                    if (c != 0) {
                        sb.append(c);
                    }
                }
            }
        }
        assertTrue(sb.toString().startsWith("Intel(R) Core(TM)"), sb.toString());
    }

    @Test
    void guestCpuidSeesOsxsaveMirrorAndSubleaves() {
        TestMachine t = new TestMachine().flat32();
        t.load(0x1000, 0x0F, 0xA2, 0xF4);
        t.s.gpr[0] = 0xD;
        t.s.gpr[1] = 0;
        t.at(0x1000).run(10);
        assertEquals(3, t.s.gpr[0], "leaf 0Dh: x87 and SSE state");
        assertEquals(0x240, t.s.gpr[3]);
    }

    @Test
    void tzcntIsBsfWithoutBmi1() {
        TestMachine t = new TestMachine().flat32();
        t.load(0x1000, 0xF3, 0x0F, 0xBC, 0xC3, 0xF4); // tzcnt eax, ebx (bsf here)
        t.s.gpr[3] = 0x80;
        t.s.gpr[0] = 0x55;
        t.at(0x1000).run(10);
        assertEquals(7, t.s.gpr[0]);
        t.s.gpr[3] = 0;
        t.s.halted = false;
        t.at(0x1000).run(10);
        assertEquals(7, t.s.gpr[0], "BSF leaves the destination when the source is zero");
        assertTrue((t.s.rflags & dev.hve.emulator.cpu.CpuState.ZF) != 0);
    }
}
