package dev.hve.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hve.emulator.cpu.CpuState;
import dev.hve.emulator.cpuid.CpuModel;
import dev.hve.emulator.cpuid.CpuModels;
import org.junit.jupiter.api.Test;

/**
 * The XSAVE feature as system software sees it through the core (Intel SDM Vol. 1 §13.2-13.3, Vol. 2
 * CPUID, XGETBV, XSETBV; AMD APM Vol. 2 §11.5): CPUID.1:ECX.XSAVE on both models, OSXSAVE mirroring
 * CR4.OSXSAVE, leaf 0Dh, CR4.OSXSAVE reserved without XSAVE, the XCR0 rules, and XSAVE reaching the
 * SSE unit from the interpreter.
 */
class XsaveSystemTest {

    private static final int[] MOV_CR4_EAX = {0x0F, 0x22, 0xE0};
    private static final int[] XGETBV = {0x0F, 0x01, 0xD0};
    private static final int[] XSETBV = {0x0F, 0x01, 0xD1};
    private static final int[] CPUID = {0x0F, 0xA2};

    /**
     * Runs {@code code} at 0x1000, followed by HLT at CPL 0 or by a CPUID that exits to the test at
     * CPL 3 (where HLT faults); returns the vector of the first exception the code raised (the test
     * machine logs each one before the core delivers it), or -1 if it reached the end.
     */
    private static int run(TestMachine t, int[] code) {
        boolean user = t.s.cpl == 3;
        int[] end = user ? CPUID : new int[] {0xF4};
        int[] bytes = java.util.Arrays.copyOf(code, code.length + end.length);
        System.arraycopy(end, 0, bytes, code.length, end.length);
        t.load(0x1000, bytes);
        t.exitOnCpuid = user;
        t.s.halted = false;
        t.log.clear();
        t.at(0x1000).run(5);
        for (String line : t.log) {
            if (line.startsWith("exception ")) {
                return Integer.parseInt(line.split(" ")[1]);
            }
        }
        assertTrue(user ? t.s.rip == 0x1000 + code.length : t.s.halted, "reached the end: " + t.log);
        return -1;
    }

    private static TestMachine withOsxsave(TestMachine t) {
        t.s.cr4 |= CpuState.CR4_OSXSAVE;
        return t;
    }

    private static int[] leaf(TestMachine t, int leaf, int subleaf) {
        t.s.gpr[0] = leaf;
        t.s.gpr[1] = subleaf;
        assertEquals(-1, run(t, CPUID));
        return new int[] {(int) t.s.gpr[0], (int) t.s.gpr[3], (int) t.s.gpr[1], (int) t.s.gpr[2]};
    }

    @Test
    void bothModelsAdvertiseXsaveAndLeafD() {
        for (CpuModel model : new CpuModel[] {CpuModels.intel(), CpuModels.amd()}) {
            TestMachine t = new TestMachine(model, 4 << 20).flat32();
            int ecx = leaf(t, 1, 0)[2];
            assertTrue((ecx & (1 << 26)) != 0, model.name() + ": XSAVE");
            assertEquals(0, ecx & (1 << 27), model.name() + ": OSXSAVE while CR4.OSXSAVE = 0");
            t.s.gpr[0] = CpuState.CR4_OSXSAVE;
            assertEquals(-1, run(t, MOV_CR4_EAX), model.name() + ": CR4.OSXSAVE settable");
            assertTrue((leaf(t, 1, 0)[2] & (1 << 27)) != 0, model.name() + ": OSXSAVE mirrors CR4");
            int[] d0 = leaf(t, 0xD, 0);
            assertEquals(3, d0[0], "XCR0 may enable x87 and SSE");
            assertEquals(576, d0[1], "size for XCR0 = 1");
            assertEquals(576, d0[2], "maximum size");
            assertEquals(0, d0[3], "XCR0 bits 63:32");
            assertEquals(0, leaf(t, 0xD, 1)[0], "no XSAVEOPT, XSAVEC, XGETBV1 or XSAVES");
            assertEquals(0, leaf(t, 0xD, 2)[0], "no AVX component");
        }
    }

    @Test
    void osxsaveIsReservedWithoutXsave() {
        CpuModel intel = CpuModels.intel();
        CpuModel noXsave = new CpuModel() {
            @Override
            public String name() {
                return "no-xsave";
            }

            @Override
            public void cpuid(int leaf, int subleaf, int[] out) {
                intel.cpuid(leaf, subleaf, out);
                if (leaf == 1) {
                    out[2] &= ~(1 << 26);
                }
            }
        };
        TestMachine t = new TestMachine(noXsave, 4 << 20).flat32();
        t.s.gpr[0] = CpuState.CR4_OSXSAVE;
        assertEquals(13, run(t, MOV_CR4_EAX));
        assertEquals(0, t.s.cr4 & CpuState.CR4_OSXSAVE);
    }

    @Test
    void xgetbvAndXsetbvNeedOsxsave() {
        assertEquals(6, run(new TestMachine().flat32(), XGETBV));
        assertEquals(6, run(new TestMachine().flat32(), XSETBV));
    }

    @Test
    void xcr0StartsAtX87AndTakesX87PlusSse() {
        TestMachine t = withOsxsave(new TestMachine().flat32());
        t.s.gpr[1] = 0;
        assertEquals(-1, run(t, XGETBV));
        assertEquals(1, t.s.gpr[0]);
        assertEquals(0, t.s.gpr[2]);
        t.s.gpr[0] = 3;
        t.s.gpr[2] = 0;
        assertEquals(-1, run(t, XSETBV));
        assertEquals(3, t.s.xcr0);
        t.s.gpr[0] = 0;
        assertEquals(-1, run(t, XGETBV));
        assertEquals(3, t.s.gpr[0]);
        t.s.gpr[0] = 1;
        assertEquals(-1, run(t, XSETBV), "SSE may be disabled again");
        assertEquals(1, t.s.xcr0);
    }

    @Test
    void xsetbvRejectsInvalidXcr0AndOtherRegisters() {
        long[][] cases = { // ECX, EDX, EAX
            {0, 0, 0}, {0, 0, 2},   // x87 cleared
            {0, 0, 7},              // AVX (bit 2) unsupported
            {0, 1, 3},              // bits 63:32 reserved
            {1, 0, 3},              // only XCR0 exists
        };
        for (long[] c : cases) {
            TestMachine t = withOsxsave(new TestMachine().flat32());
            t.s.gpr[1] = c[0];
            t.s.gpr[2] = c[1];
            t.s.gpr[0] = c[2];
            assertEquals(13, run(t, XSETBV), java.util.Arrays.toString(c));
            assertEquals(1, t.s.xcr0);
        }
        assertEquals(13, run(user(0), XSETBV), "CPL 3");
        assertEquals(13, run(user(1), XGETBV), "XGETBV with ECX = 1 needs XGETBV1");
        assertEquals(-1, run(user(0), XGETBV), "XGETBV is allowed at CPL 3");
    }

    /** CR4.OSXSAVE set, CPL 3, EDX:EAX = 3, ECX = {@code ecx}. */
    private static TestMachine user(long ecx) {
        TestMachine t = withOsxsave(new TestMachine().flat32());
        t.s.cpl = 3;
        t.s.gpr[0] = 3;
        t.s.gpr[1] = ecx;
        t.s.gpr[2] = 0;
        return t;
    }

    @Test
    void xsaveRunsThroughTheInterpreter() {
        int[] xsave = {0x0F, 0xAE, 0x23}; // xsave [ebx]
        assertEquals(6, run(xsaveMachine(), xsave), "#UD while CR4.OSXSAVE = 0");
        TestMachine t = withOsxsave(xsaveMachine());
        t.s.xcr0 = 3;
        t.s.fpu.xmm[0] = 0x1122;
        assertEquals(-1, run(t, xsave));
        assertEquals(0x1122, t.memory.read64(0x4000 + 160), "XMM0 in the legacy region");
        // FCW is 0040H after RESET, not the initial configuration's 037FH: the x87 component is in use.
        assertEquals(3, t.memory.read64(0x4000 + 512), "XSTATE_BV");
        TestMachine ts = withOsxsave(xsaveMachine());
        ts.s.cr0 |= CpuState.CR0_TS;
        assertEquals(7, run(ts, xsave), "#NM with CR0.TS");
    }

    /** EBX at a 64-byte aligned area, EDX:EAX = 3, CR4.OSFXSR set. */
    private static TestMachine xsaveMachine() {
        TestMachine t = new TestMachine().flat32();
        t.s.cr4 |= CpuState.CR4_OSFXSR;
        t.s.gpr[3] = 0x4000;
        t.s.gpr[0] = 3;
        t.s.gpr[2] = 0;
        return t;
    }
}
