package dev.hve.emulator.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hve.emulator.fpu.FpuState;
import dev.hve.emulator.fpu.FpuTestMachine;
import org.junit.jupiter.api.Test;

/** The FXSAVE image layout (SDM Vol. 2 FXSAVE tables 3-53 and 3-56) and FXRSTOR's checks. */
class FxSaveTest {

    private static final long MEM = FpuTestMachine.BASE + 0x200;

    @Test
    void imageLayout64() {
        FpuTestMachine m = new FpuTestMachine();
        m.gpr[3] = MEM;
        m.run("DBE3");           // FNINIT
        m.run("D9E8");           // FLD1 -> R7
        m.run("D9EE");           // FLDZ -> R6
        m.f.mxcsr = 0x1FA0;
        for (int i = 0; i < 16; i++) {
            m.f.xmm[2 * i] = 0x1000 + i;
            m.f.xmm[2 * i + 1] = 0x2000 + i;
        }
        m.f.fop = 0x123;
        m.f.fip = 0x1234_5678_9ABCL;
        m.f.fdp = 0xFEDC_BA98_7654L;
        assertEquals(SimdUnit.OK, m.run("480FAE03")); // FXSAVE64 [rbx]
        assertEquals(0x37F, m.peek(MEM, 2), "FCW");
        assertEquals(6 << 11, m.peek(MEM + 2, 2), "FSW with TOP=6");
        assertEquals(0xC0, m.peek(MEM + 4, 1), "abridged FTW: R6 and R7 valid");
        assertEquals(0x123, m.peek(MEM + 6, 2), "FOP");
        assertEquals(0x1234_5678_9ABCL, m.peek(MEM + 8, 8), "64-bit FIP");
        assertEquals(0xFEDC_BA98_7654L, m.peek(MEM + 16, 8), "64-bit FDP");
        assertEquals(0x1FA0, m.peek(MEM + 24, 4), "MXCSR");
        assertEquals(FpuState.MXCSR_MASK, m.peek(MEM + 28, 4), "MXCSR_MASK");
        assertEquals(0, m.peek(MEM + 32, 8), "ST0 = +0");
        assertEquals(0x8000_0000_0000_0000L, m.peek(MEM + 48, 8), "ST1 = 1.0");
        assertEquals(0x3FFF, m.peek(MEM + 56, 2));
        assertEquals(0x1000, m.peek(MEM + 160, 8), "XMM0");
        assertEquals(0x200F, m.peek(MEM + 160 + 15 * 16 + 8, 8), "XMM15 high");

        // FXRSTOR brings everything back.
        FpuTestMachine n = new FpuTestMachine();
        n.gpr[3] = MEM;
        System.arraycopy(m.memory, 0, n.memory, 0, m.memory.length);
        assertEquals(SimdUnit.OK, n.run("480FAE0B"));
        assertEquals(6, n.f.top);
        assertEquals(0x1FFF, n.f.tagWord(), "R6 zero (01), R7 valid (00), others empty (11)");
        assertEquals(0x1FA0, n.f.mxcsr);
        assertEquals(0x200F, n.f.xmm[31]);
        assertEquals(0x1234_5678_9ABCL, n.f.fip);
    }

    @Test
    void legacyFormSavesEightRegistersAndSelectors() {
        FpuTestMachine m = new FpuTestMachine();
        m.codeSize = 4;
        m.gpr[3] = MEM;
        m.f.xmm[2 * 8] = 0x5555;
        m.poke(MEM + 160 + 8 * 16, 8, 0x7777);
        m.f.fip = 0x1_2345_6789L;
        m.f.fcs = 0x23;
        m.run("0FAE03"); // FXSAVE [ebx]
        assertEquals(0x2345_6789L, m.peek(MEM + 8, 4), "32-bit FIP");
        assertEquals(0x23, m.peek(MEM + 12, 2), "FCS");
        assertEquals(0x7777, m.peek(MEM + 160 + 8 * 16, 8), "XMM8 area untouched outside 64-bit mode");
    }

    @Test
    void checks() {
        FpuTestMachine m = new FpuTestMachine();
        m.gpr[3] = MEM + 8;
        assertEquals(SimdUnit.GP, m.run("0FAE03"), "FXSAVE misaligned");
        m.gpr[3] = MEM;
        m.run("0FAE03");
        m.poke(MEM + 24, 4, 0x2_0000);
        int before = m.f.fcw;
        assertEquals(SimdUnit.GP, m.run("0FAE0B"), "FXRSTOR with reserved MXCSR bits");
        assertEquals(before, m.f.fcw);
        assertEquals(SimdUnit.UD, m.run("0FAEC0"), "register forms are not FXSAVE");
    }
}
