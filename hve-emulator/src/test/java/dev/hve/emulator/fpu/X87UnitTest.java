package dev.hve.emulator.fpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Per-instruction x87 tests with values worked out from the SDM's definitions. */
class X87UnitTest {

    private static final long MEM = FpuTestMachine.BASE + 0x100;
    private FpuTestMachine m;

    @BeforeEach
    void setUp() {
        m = new FpuTestMachine();
        m.gpr[3] = MEM; // [rbx]
        assertEquals(X87Unit.OK, m.run("DBE3")); // FNINIT
    }

    private void fldcw(int cw) {
        m.poke(MEM, 2, cw);
        assertEquals(X87Unit.OK, m.run("D92B"));
    }

    private int fsw() {
        return m.f.statusWord();
    }

    @Test
    void fninitStateAsDocumented() {
        m.f.fcw = 0;
        m.f.fsw = 0xFF;
        m.run("DBE3");
        assertEquals(X87Unit.OK, m.run("D93B")); // FNSTCW [rbx]
        assertEquals(0x37F, m.peek(MEM, 2));
        m.gpr[0] = 0x1234_5678_9ABC_DEF0L;
        assertEquals(X87Unit.OK, m.run("DFE0")); // FNSTSW AX
        assertEquals(0x1234_5678_9ABC_0000L, m.gpr[0]);
        assertEquals(0xFFFF, m.f.tagWord());
    }

    @Test
    void oneThirdRoundsByPrecisionAndRoundingControl() {
        // 1/3 = 1.0101...b * 2^-2; double-extended keeps 64 bits: AAAA...AAAA, next bits 1010... -> RN up.
        long[][] expect = {
            {0x037F, 0x3FFD, 0xAAAA_AAAA_AAAA_AAABL, 1},    // PC=64, RN: rounded up, C1=1
            {0x0F7F, 0x3FFD, 0xAAAA_AAAA_AAAA_AAAAL, 0},    // PC=64, RZ
            {0x007F, 0x3FFD, 0xAAAA_AB00_0000_0000L, 1},    // PC=24, RN
            {0x0C7F, 0x3FFD, 0xAAAA_AA00_0000_0000L, 0},    // PC=24, RZ
            {0x027F, 0x3FFD, 0xAAAA_AAAA_AAAA_A800L, 0},    // PC=53, RN: 53rd bit 1, next bit 0 -> down
        };
        for (long[] e : expect) {
            setUp();
            fldcw((int) e[0]);
            m.run("D9E8"); // FLD1
            m.poke(MEM, 4, 3);
            m.run("DB03"); // FILD m32 3
            assertEquals(X87Unit.OK, m.run("DEF9")); // FDIVP ST(1),ST(0): 1/3
            assertEquals(e[1], m.stSe(0));
            assertEquals(e[2], m.stSig(0), Long.toHexString(m.stSig(0)));
            assertEquals(0x20, fsw() & 0x3F, "PE only");
            assertEquals(e[3] == 1, (fsw() & FpuState.FSW_C1) != 0, "C1 = rounded up");
            assertEquals(7, m.f.top);
        }
    }

    @Test
    void sqrtTwo() {
        m.poke(MEM, 4, 2);
        m.run("DB03");
        m.run("D9FA"); // FSQRT
        // sqrt(2) = 1.6A09E667F3BCC908B2FB...h: 64-bit significand B504F333F9DE6484, next bit 0.
        assertEquals(0x3FFF, m.stSe(0));
        assertEquals(0xB504_F333_F9DE_6484L, m.stSig(0));
        setUp();
        fldcw(0x0B7F); // RC = up
        m.poke(MEM, 4, 2);
        m.run("DB03");
        m.run("D9FA");
        assertEquals(0xB504_F333_F9DE_6485L, m.stSig(0));
    }

    @Test
    void constantsFollowRoundingControl() {
        m.run("D9EB"); // FLDPI
        assertEquals(0x4000, m.stSe(0));
        assertEquals(0xC90F_DAA2_2168_C235L, m.stSig(0)); // rounded to nearest (up)
        assertEquals(0, fsw() & 0x3F, "constants never raise PE");
        setUp();
        fldcw(0x077F); // RC = down
        m.run("D9EB");
        assertEquals(0xC90F_DAA2_2168_C234L, m.stSig(0));
    }

    @Test
    void stackOverflowAndUnderflow() {
        for (int i = 0; i < 8; i++) {
            m.run("D9E8");
        }
        assertEquals(0, fsw() & 0x41);
        m.run("D9EE"); // FLDZ on a full stack
        assertEquals(0x41, fsw() & 0x41, "IE + SF");
        assertTrue((fsw() & FpuState.FSW_C1) != 0, "C1 = 1: overflow");
        assertEquals(0xFFFF, m.stSe(0), "masked response: real indefinite");
        assertEquals(0xC000_0000_0000_0000L, m.stSig(0));
        setUp();
        m.run("D8C1"); // FADD ST(0),ST(1) on an empty stack
        assertEquals(0x41, fsw() & 0x41);
        assertEquals(0, fsw() & FpuState.FSW_C1, "C1 = 0: underflow");
    }

    @Test
    void unmaskedExceptionIsDeferredToTheNextWaitingInstruction() {
        fldcw(0x037B); // ZM clear
        m.run("D9E8");
        m.run("D9EE");
        assertEquals(X87Unit.OK, m.run("DEF9")); // 1/0: ZE recorded, no fault now
        assertEquals(0x84, fsw() & 0x84, "ZE and ES");
        assertEquals(0x8000, fsw() & 0x8000, "B mirrors ES");
        assertEquals(6, m.f.top, "an unmasked #Z stores nothing and does not pop");
        assertEquals(X87Unit.MF, m.run("D9E8"), "waiting instruction reports #MF with CR0.NE");
        assertEquals(X87Unit.MF, m.run("9B"), "so does FWAIT");
        assertEquals(X87Unit.OK, m.run("DFE0"), "FNSTSW does not wait");
        m.cr0 &= ~0x20L;
        assertEquals(X87Unit.OK, m.run("D9E8"), "CR0.NE=0: no FERR# line, continue (IGNNE#)");
        m.cr0 |= 0x20L;
        m.run("DBE2"); // FNCLEX
        assertEquals(0, fsw() & 0x80FF);
        assertEquals(X87Unit.OK, m.run("D9E8"));
    }

    @Test
    void deviceNotAvailable() {
        m.cr0 = 0x21 | 8; // PE, NE, TS (MP clear)
        assertEquals(X87Unit.NM, m.run("D9E8"));
        assertEquals(X87Unit.NM, m.run("DBE3"), "even FNINIT");
        assertEquals(X87Unit.OK, m.run("9B"), "FWAIT needs MP and TS");
        m.cr0 |= 2;
        assertEquals(X87Unit.NM, m.run("9B"));
        m.cr0 = 0x21 | 4; // EM
        assertEquals(X87Unit.NM, m.run("D9E8"));
    }

    @Test
    void integerStoresRoundAndSaturate() {
        // 2.5 (exactly representable): RN -> 2 (ties to even), RU -> 3, FISTTP -> 2.
        long two5 = Double.doubleToLongBits(2.5);
        int[][] cases = {{0x037F, 2}, {0x0B7F, 3}, {0x077F, 2}, {0x0F7F, 2}};
        for (int[] c : cases) {
            setUp();
            fldcw(c[0]);
            m.poke(MEM, 8, two5);
            m.run("DD03"); // FLD m64
            m.poke(MEM, 4, 0);
            assertEquals(X87Unit.OK, m.run("DB13")); // FIST m32
            assertEquals(c[1], m.peek(MEM, 4));
            assertEquals(0x20, fsw() & 0x3F);
        }
        setUp();
        m.poke(MEM, 8, Double.doubleToLongBits(-2.7));
        m.run("DD03");
        m.run("DB0B"); // FISTTP m32: truncates, pops
        assertEquals(-2 & 0xFFFF_FFFFL, m.peek(MEM, 4));
        assertTrue(m.f.empty(0));
        setUp();
        m.poke(MEM, 8, Double.doubleToLongBits(3e9));
        m.run("DD03");
        m.run("DB1B"); // FISTP m32: out of range
        assertEquals(0x8000_0000L, m.peek(MEM, 4), "integer indefinite");
        assertEquals(1, fsw() & 0x3F);
    }

    @Test
    void storeSingleOverflowAndDenormal() {
        m.poke(MEM, 8, Double.doubleToLongBits(1e300));
        m.run("DD03");
        m.run("D913"); // FST m32
        assertEquals(0x7F80_0000L, m.peek(MEM, 4), "masked overflow to +inf in RN");
        assertEquals(0x28, fsw() & 0x3F, "OE + PE");
        setUp();
        m.poke(MEM, 8, Double.doubleToLongBits(1e-40));
        m.run("DD03");
        m.run("D913");
        assertEquals(Float.floatToRawIntBits(1e-40f) & 0xFFFF_FFFFL, m.peek(MEM, 4), "denormal single");
        assertEquals(0x30, fsw() & 0x3F, "UE + PE (tiny and inexact)");
    }

    @Test
    void fcomiAndFcmov() {
        m.run("D9E8");                        // ST1 = 1 after the next push
        m.run("D9EE");                        // ST0 = 0
        m.rflags = 0x8D7;
        assertEquals(X87Unit.OK, m.run("DBF1")); // FCOMI ST0, ST1: 0 < 1
        assertEquals(0x3, m.rflags & 0x8D7, "CF only (plus the fixed bit 1)");
        assertEquals(X87Unit.OK, m.run("DAC1")); // FCMOVB ST0, ST1: CF=1 -> move
        assertEquals(0x3FFF, m.stSe(0));
        m.poke(MEM, 8, Double.doubleToLongBits(Double.NaN));
        m.run("DD03");
        m.run("DBE9"); // FUCOMI ST0, ST1: unordered
        assertEquals(0x47, m.rflags & 0x8D7);
        assertEquals(0, fsw() & 1, "FUCOMI: QNaN does not raise IE");
        m.run("DBF1"); // FCOMI: QNaN raises IE
        assertEquals(1, fsw() & 1);
    }

    @Test
    void fxamClassifies() {
        m.run("D9E5");
        assertEquals(FpuState.FSW_C3 | FpuState.FSW_C0, fsw() & (FpuState.FSW_CC & ~FpuState.FSW_C1), "empty");
        m.run("D9EE");
        m.run("D9E0"); // FCHS: -0
        m.run("D9E5");
        assertEquals(FpuState.FSW_C3 | FpuState.FSW_C1, fsw() & FpuState.FSW_CC, "negative zero");
        m.run("D9E8");
        m.run("D9E5");
        assertEquals(FpuState.FSW_C2, fsw() & FpuState.FSW_CC, "positive normal");
    }

    @Test
    void fxchAndFfree() {
        m.run("D9E8");
        m.run("D9EE");
        m.run("D9C9"); // FXCH ST1
        assertEquals(0x3FFF, m.stSe(0));
        assertEquals(0, m.stSig(1));
        m.run("DDC1"); // FFREE ST1
        assertTrue(m.f.empty(1));
        assertEquals(6, m.f.top, "FFREE does not move TOP");
    }

    @Test
    void extendedLoadStoreIsExact() {
        m.poke(MEM, 8, 0x8123_4567_89AB_CDEFL);
        m.poke(MEM + 8, 2, 0xC123);
        m.run("DB2B"); // FLD m80
        m.poke(MEM + 16, 8, 0);
        m.gpr[3] = MEM + 16;
        m.run("DB3B"); // FSTP m80
        assertEquals(0x8123_4567_89AB_CDEFL, m.peek(MEM + 16, 8));
        assertEquals(0xC123, m.peek(MEM + 24, 2));
        assertTrue(m.f.empty(0));
    }

    @Test
    void envAndSaveRoundTrip() {
        fldcw(0x0A7F);
        m.run("D9EB");
        m.run("D9E8");
        int sw = fsw();
        int tw = m.f.tagWord();
        assertEquals(X87Unit.OK, m.run("D933")); // FNSTENV [rbx] (32-bit layout)
        assertEquals(0xFFFF_0A7FL, m.peek(MEM, 4), "FCW, reserved upper half set");
        assertEquals(sw, m.peek(MEM + 4, 2));
        assertEquals(tw, m.peek(MEM + 8, 2));
        assertEquals(0x401000, m.peek(MEM + 12, 4), "FIP");
        assertEquals(0x3F, m.f.fcw & 0x3F, "FNSTENV masks all exceptions");
        m.f.fcw = 0x37F;
        assertEquals(X87Unit.OK, m.run("D923")); // FLDENV
        assertEquals(0x0A7F, m.f.fcw);
        // FNSAVE stores env + 8 registers and reinitializes.
        m.gpr[3] = MEM + 0x100;
        assertEquals(X87Unit.OK, m.run("DD33"));
        assertEquals(0x8000_0000_0000_0000L, m.peek(MEM + 0x100 + 28, 8), "ST0 = 1.0");
        assertEquals(0x3FFF, m.peek(MEM + 0x100 + 36, 2));
        assertEquals(0xC90F_DAA2_2168_C235L, m.peek(MEM + 0x100 + 38, 8), "ST1 = pi");
        assertEquals(0x37F, m.f.fcw);
        assertEquals(0xFFFF, m.f.tagWord());
        assertEquals(X87Unit.OK, m.run("DD23")); // FRSTOR
        assertEquals(0x0A7F, m.f.fcw);
        assertEquals(0x3FFF, m.stSe(0));
        assertEquals(0xC90F_DAA2_2168_C235L, m.stSig(1));
        assertEquals(tw, m.f.tagWord());
    }

    @Test
    void pointersRecordTheLastNonControlInstruction() {
        m.poke(MEM, 4, 7);
        m.run("DB03"); // FILD [rbx]
        assertEquals(0x401000, m.f.fip);
        assertEquals(MEM, m.f.fdp);
        assertEquals(0x303, m.f.fop, "opcode DB 03 -> (3 << 8) | 03");
        m.run("D93B"); // FNSTCW is a control instruction
        assertEquals(0x303, m.f.fop);
    }

    private void loadInts(int st1, int st0) {
        m.poke(MEM, 4, st1);
        m.run("DB03");
        m.poke(MEM, 4, st0);
        m.run("DB03");
    }

    @Test
    void partialRemainders() {
        loadInts(3, 7);
        assertEquals(X87Unit.OK, m.run("D9F8")); // FPREM: 7 = 2*3 + 1
        assertEquals(0x3FFF, m.stSe(0));
        assertEquals(Long.MIN_VALUE, m.stSig(0));
        assertEquals(FpuState.FSW_C3, fsw() & FpuState.FSW_CC, "Q=2: C3=Q1, C2=0 (complete)");
        setUp();
        loadInts(3, 8);
        m.run("D9F5"); // FPREM1: 8/3 -> nearest 3, remainder -1
        assertEquals(0xBFFF, m.stSe(0));
        assertEquals(FpuState.FSW_C3 | FpuState.FSW_C1, fsw() & FpuState.FSW_CC, "Q=3: C3=Q1, C1=Q0");
        setUp();
        // 2^100 rem 3: exponent difference 99 >= 64, so one partial step and C2=1.
        m.poke(MEM, 4, 3);
        m.run("DB03");
        m.poke(MEM, 8, Double.doubleToLongBits(0x1p100));
        m.run("DD03");
        m.run("D9F8");
        assertEquals(FpuState.FSW_C2, fsw() & FpuState.FSW_C2);
        for (int i = 0; i < 10 && (fsw() & FpuState.FSW_C2) != 0; i++) {
            m.run("D9F8");
        }
        assertEquals(0, fsw() & FpuState.FSW_C2);
        // 2^100 mod 3 = (2^2)^50 mod 3 = 1
        assertEquals(0x3FFF, m.stSe(0));
        assertEquals(Long.MIN_VALUE, m.stSig(0));
    }

    @Test
    void fxtractSplitsExponentAndSignificand() {
        m.poke(MEM, 8, Double.doubleToLongBits(-10.0));
        m.run("DD03");
        assertEquals(X87Unit.OK, m.run("D9F4"));
        assertEquals(0xBFFF, m.stSe(0), "significand -1.25");
        assertEquals(0xA000_0000_0000_0000L, m.stSig(0));
        assertEquals(0x4000, m.stSe(1), "exponent 3.0");
        assertEquals(0xC000_0000_0000_0000L, m.stSig(1));
        setUp();
        m.run("D9EE");
        m.run("D9F4");
        assertEquals(0xFFFF, m.stSe(1), "exponent of zero: -inf");
        assertEquals(FloatCore.ZE, fsw() & 0x3F);
    }
}
