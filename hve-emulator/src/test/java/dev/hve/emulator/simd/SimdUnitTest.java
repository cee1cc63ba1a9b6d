package dev.hve.emulator.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hve.emulator.fpu.FpuTestMachine;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Per-instruction SSE/SSE2 tests with values worked out from the SDM's definitions. */
class SimdUnitTest {

    private static final long MEM = FpuTestMachine.BASE + 0x100; // 16-byte aligned
    private FpuTestMachine m;

    @BeforeEach
    void setUp() {
        m = new FpuTestMachine();
        m.gpr[3] = MEM;
    }

    private void xmm(int r, long lo, long hi) {
        m.f.xmm[2 * r] = lo;
        m.f.xmm[2 * r + 1] = hi;
    }

    private static long f(float v) {
        return Float.floatToRawIntBits(v) & 0xFFFF_FFFFL;
    }

    @Test
    void addssRoundingModes() {
        // 1 + 2^-24 is exactly halfway between 1 and the next single: RN -> 1 (even), RU -> 1+2^-23.
        int[][] cases = {{0x1F80, 0x3F80_0000}, {0x5F80, 0x3F80_0001}, {0x3F80, 0x3F80_0000}, {0x7F80, 0x3F80_0000}};
        for (int[] c : cases) {
            setUp();
            m.f.mxcsr = c[0];
            xmm(0, 0xAAAA_BBBB_0000_0000L | f(1f), 0x1234);
            xmm(1, f(0x1p-24f), 0);
            assertEquals(SimdUnit.OK, m.run("F30F58C1"));
            assertEquals(0xAAAA_BBBB_0000_0000L | c[1], m.f.xmm[0], "upper lanes kept");
            assertEquals(0x1234, m.f.xmm[1]);
            assertEquals(c[0] | 0x20, m.f.mxcsr, "PE");
        }
        setUp();
        m.f.mxcsr = 0x3F80; // RD: 1 + (-1) = -0
        xmm(0, f(1f), 0);
        xmm(1, f(-1f), 0);
        m.run("F30F58C1");
        assertEquals(0x8000_0000L, m.f.xmm[0]);
    }

    @Test
    void underflowDenormalsAndFlushToZero() {
        xmm(0, f(1e-30f), 0);
        xmm(1, f(1e-10f), 0);
        m.run("F30F59C1"); // MULSS
        assertEquals(f(1e-40f), m.f.xmm[0], "denormal result");
        assertEquals(0x1F80 | 0x30, m.f.mxcsr, "UE + PE");
        setUp();
        m.f.mxcsr = 0x9F80; // FTZ
        xmm(0, f(1e-30f), 0);
        xmm(1, f(1e-10f), 0);
        m.run("F30F59C1");
        assertEquals(0, m.f.xmm[0]);
        assertEquals(0x9F80 | 0x30, m.f.mxcsr);
        setUp();
        m.f.mxcsr = 0x1FC0; // DAZ: a denormal source is zero, no DE
        xmm(0, f(1f), 0);
        xmm(1, f(1e-40f), 0);
        m.run("F30F58C1");
        assertEquals(f(1f), m.f.xmm[0]);
        assertEquals(0x1FC0, m.f.mxcsr);
        setUp();
        xmm(0, f(1f), 0);
        xmm(1, f(1e-40f), 0);
        m.run("F30F58C1");
        assertEquals(0x1F80 | 0x22, m.f.mxcsr, "without DAZ: DE and PE");
    }

    @Test
    void unmaskedExceptionRaisesXmAndLeavesTheDestination() {
        m.f.mxcsr = 0x1D80; // ZM clear
        xmm(0, f(1f), 7);
        xmm(1, 0, 0);
        assertEquals(SimdUnit.XM, m.run("F30F5EC1")); // DIVSS by zero
        assertEquals(f(1f), m.f.xmm[0]);
        assertEquals(0x1D84, m.f.mxcsr, "ZE recorded");
        m.cr4 &= ~(1L << 10);
        assertEquals(SimdUnit.UD, m.run("F30F5EC1"), "CR4.OSXMMEXCPT=0: #UD instead");
    }

    @Test
    void controlRegisterChecks() {
        m.cr4 = 0;
        assertEquals(SimdUnit.UD, m.run("0F28C1"), "CR4.OSFXSR=0");
        m.cr4 = 1 << 9;
        m.cr0 |= 4;
        assertEquals(SimdUnit.UD, m.run("0F28C1"), "CR0.EM");
        m.cr0 = 0x21 | 8;
        assertEquals(SimdUnit.NM, m.run("0F28C1"), "CR0.TS");
        assertEquals(SimdUnit.NM, m.run("0FAE03"), "FXSAVE with TS");
        m.cr0 = 0x21 | 4;
        assertEquals(SimdUnit.NM, m.run("0FAE03"), "FXSAVE with EM is #NM, not #UD");
    }

    @Test
    void alignment() {
        m.poke(MEM + 8, 8, 0x1111);
        m.poke(MEM + 16, 8, 0x2222);
        m.gpr[3] = MEM + 8;
        assertEquals(SimdUnit.GP, m.run("0F2803"), "MOVAPS misaligned");
        assertEquals(SimdUnit.GP, m.run("660FEF03"), "PXOR m128 misaligned");
        assertEquals(SimdUnit.OK, m.run("0F1003"), "MOVUPS");
        assertEquals(0x1111, m.f.xmm[0]);
        assertEquals(0x2222, m.f.xmm[1]);
        assertEquals(SimdUnit.OK, m.run("F30F1003"), "MOVSS m32: no alignment, zeroes bits 127:32");
        assertEquals(0x1111, m.f.xmm[0]);
        assertEquals(0, m.f.xmm[1]);
    }

    @Test
    void movssRegisterFormMerges() {
        xmm(0, 0x1111_1111_2222_2222L, 0x3333);
        xmm(1, 0x4444_4444_5555_5555L, 0x6666);
        m.run("F30F10C1");
        assertEquals(0x1111_1111_5555_5555L, m.f.xmm[0]);
        assertEquals(0x3333, m.f.xmm[1]);
    }

    @Test
    void conversions() {
        m.f.xmm[2] = Double.doubleToRawLongBits(1e20);
        m.gpr[0] = 5;
        assertEquals(SimdUnit.OK, m.run("F2480F2CC1")); // CVTTSD2SI rax, xmm1
        assertEquals(Long.MIN_VALUE, m.gpr[0], "integer indefinite");
        assertEquals(0x1F81, m.f.mxcsr);
        m.f.xmm[2] = Double.doubleToRawLongBits(-2.5);
        m.run("F20F2DC1"); // CVTSD2SI eax, xmm1: RN -> -2, zero-extended into rax
        assertEquals(0xFFFF_FFFEL, m.gpr[0]);
        m.gpr[0] = (1L << 53) + 1;
        m.run("F2480F2AC0"); // CVTSI2SD xmm0, rax: inexact
        assertEquals(Double.doubleToRawLongBits(0x1p53), m.f.xmm[0]);
        assertEquals(0x1FA1, m.f.mxcsr);
    }

    @Test
    void integerOperations() {
        xmm(0, 0x0011_2233_4455_6677L, 0x8899_AABB_CCDD_EEFFL);
        xmm(1, 0x0011_0000_4455_0000L, 0x8899_0000_0000_EEFFL);
        m.run("660F74C1"); // PCMPEQB
        assertEquals(0xFFFF_0000_FFFF_0000L, m.f.xmm[0]);
        assertEquals(0xFFFF_0000_0000_FFFFL, m.f.xmm[1]);
        m.run("660FD7C0"); // PMOVMSKB eax, xmm0
        assertEquals(0b1100_0011_1100_1100L, m.gpr[0]);
        xmm(1, 0x0000_0003_0000_0002L, 0x0000_0001_0000_0000L);
        m.run("660F70C11B"); // PSHUFD xmm0, xmm1, 1B: reverse
        assertEquals(0x0000_0000_0000_0001L, m.f.xmm[0]);
        assertEquals(0x0000_0002_0000_0003L, m.f.xmm[1]);
        xmm(0, 0x0706_0504_0302_0100L, 0x0F0E_0D0C_0B0A_0908L);
        m.run("660F73D803"); // PSRLDQ xmm0, 3
        assertEquals(0x0A09_0807_0605_0403L, m.f.xmm[0]);
        assertEquals(0x0000_000F_0E0D_0C0BL, m.f.xmm[1]);
        xmm(0, 0x7FFF_8000_0001_FFFFL, 0);
        xmm(1, 0x0001_FFFF_7FFF_0001L, 0);
        m.run("660FEDC1"); // PADDSW
        assertEquals(0x7FFF_8000_7FFF_0000L, m.f.xmm[0]);
    }

    @Test
    void maskmovdquStoresSelectedBytes() {
        m.gpr[7] = MEM + 3; // rdi: no alignment needed
        m.poke(MEM, 8, 0);
        m.poke(MEM + 8, 8, 0);
        m.poke(MEM + 16, 8, 0);
        xmm(0, 0x8877_6655_4433_2211L, 0x1100_FFEE_DDCC_BBAAL);
        xmm(1, 0x0000_0000_0000_8080L, 0x8000_0000_0000_0000L);
        assertEquals(SimdUnit.OK, m.run("660FF7C1"));
        assertEquals(0x2211_0000_00L, m.peek(MEM, 8), "bytes 0,1 at rdi");
        assertEquals(0x11L << 16, m.peek(MEM + 16, 8), "byte 15 at rdi+15");
    }

    @Test
    void mxcsrLoadStore() {
        m.poke(MEM, 4, 0x1_0000);
        assertEquals(SimdUnit.GP, m.run("0FAE13"), "LDMXCSR reserved bit");
        m.poke(MEM, 4, 0xFFFF);
        assertEquals(SimdUnit.OK, m.run("0FAE13"));
        assertEquals(0xFFFF, m.f.mxcsr);
        m.gpr[3] = MEM + 16;
        assertEquals(SimdUnit.OK, m.run("0FAE1B"));
        assertEquals(0xFFFF, m.peek(MEM + 16, 4));
    }

    @Test
    void comissFlags() {
        m.rflags = 0x8D7;
        xmm(0, f(1f), 0);
        xmm(1, f(2f), 0);
        m.run("0F2FC1");
        assertEquals(0x3, m.rflags, "less: CF; OF/SF/AF cleared");
        xmm(1, f(Float.NaN), 0);
        m.run("0F2EC1"); // UCOMISS QNaN: unordered, no IE
        assertEquals(0x47, m.rflags);
        assertEquals(0x1F80, m.f.mxcsr);
        m.run("0F2FC1"); // COMISS QNaN: IE
        assertEquals(0x1F81, m.f.mxcsr);
    }

    @Test
    void reciprocalApproximationsMeetTheDocumentedBound() {
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < 2000; i++) {
            float x = (float) Math.scalb(1 + r.nextDouble(), r.nextInt(200) - 100);
            xmm(1, f(x) | (f(x) << 32), f(x) | (f(x) << 32));
            m.run("0F53C1"); // RCPPS
            float rc = Float.intBitsToFloat((int) m.f.xmm[0]);
            assertTrue(Math.abs(rc * (double) x - 1) <= 1.5 * 0x1p-12, "RCPPS " + x);
            m.run("0F52C1"); // RSQRTPS
            float rs = Float.intBitsToFloat((int) (m.f.xmm[1] >>> 32));
            assertTrue(Math.abs(rs * Math.sqrt(x) - 1) <= 1.5 * 0x1p-12, "RSQRTPS " + x);
        }
        xmm(1, 0, 0);
        m.run("F30F53C1");
        assertEquals(0x7F80_0000L, m.f.xmm[0] & 0xFFFF_FFFFL, "1/+0 = +inf");
    }

    @Test
    void movdMovqAndHighRegisters() {
        xmm(0, 0x1122_3344_5566_7788L, 0x99);
        m.gpr[0] = -1;
        m.run("660F7EC0"); // MOVD eax, xmm0
        assertEquals(0x5566_7788L, m.gpr[0]);
        m.run("66480F7EC0"); // MOVQ rax, xmm0
        assertEquals(0x1122_3344_5566_7788L, m.gpr[0]);
        assertEquals(SimdUnit.OK, m.run("440F28F8")); // MOVAPS xmm15, xmm0
        assertEquals(0x1122_3344_5566_7788L, m.f.xmm[30]);
        assertEquals(0x99, m.f.xmm[31]);
        m.f.sig[1] = (5L << 32) | (-3 & 0xFFFF_FFFFL); // MM1
        xmm(0, 0, 0x77);
        assertEquals(SimdUnit.OK, m.run("0F2AC1")); // CVTPI2PS xmm0, mm1
        assertEquals(f(-3f) | (f(5f) << 32), m.f.xmm[0]);
        assertEquals(0x77, m.f.xmm[1], "upper quadword kept");
        assertEquals(0, m.f.top, "x87-to-MMX transition");
    }

    @Test
    void mmxAliasesTheX87Registers() {
        m.cr4 = 0; // MMX needs no CR4.OSFXSR
        m.run("DBE3");                      // FNINIT: TOP=0, all empty
        m.gpr[0] = 0x0102_0304_0506_0708L;
        assertEquals(SimdUnit.OK, m.run("480F6EC0")); // MOVQ mm0, rax
        assertEquals(0x0102_0304_0506_0708L, m.f.sig[0]);
        assertEquals(0xFFFF, m.f.se[0], "MMX writes set the exponent to all ones");
        assertEquals(0, m.f.top);
        assertEquals(0x5556, m.f.tagWord(), "nothing empty: R0 (exponent all ones) special, R1-R7 (+0) zero");
        m.f.sig[1] = 0x1010_1010_1010_10F0L;
        assertEquals(SimdUnit.OK, m.run("0FFCC1")); // PADDB mm0, mm1
        assertEquals(0x1112_1314_1516_17F8L, m.f.sig[0]);
        assertEquals(SimdUnit.OK, m.run("0F77")); // EMMS
        assertEquals(0xFFFF, m.f.tagWord());
        m.f.fsw |= 0x84; // a pending unmasked x87 exception
        assertEquals(16, m.run("0FFCC1"), "#MF before an MMX instruction");
        m.cr0 |= 8;
        assertEquals(SimdUnit.NM, m.run("0FFCC1"));
    }
}
