package dev.hve.emulator.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hve.emulator.fpu.FpuState;
import dev.hve.emulator.fpu.FpuTestMachine;
import org.junit.jupiter.api.Test;

/**
 * XSAVE/XRSTOR in the standard form for the x87 and SSE components (Intel SDM Vol. 1 §13.4-13.8,
 * Vol. 2 XSAVE and XRSTOR): the legacy region, the XSAVE header, RFBM = XCR0 AND EDX:EAX, XINUSE
 * in XSTATE_BV, initialization on restore, and the #UD/#NM/#GP checks.
 */
class XSaveTest {

    private static final long AREA = FpuTestMachine.BASE + 0x400; // 64-byte aligned
    private static final long CR4_OSXSAVE = 1L << 18;
    private static final String XSAVE64 = "480FAE23";   // xsave64 [rbx]
    private static final String XRSTOR64 = "480FAE2B";  // xrstor64 [rbx]
    private static final String FXSAVE64 = "480FAE03";  // fxsave64 [rbx]
    private static final int PATTERN = 0xA5;

    /** A machine with CR4.OSXSAVE, XCR0 = 3, EDX:EAX = {@code mask}, RBX at the area, and non-initial state. */
    private static FpuTestMachine machine(long mask) {
        FpuTestMachine m = new FpuTestMachine();
        m.cr4 |= CR4_OSXSAVE;
        m.gpr[3] = AREA;
        m.gpr[0] = mask & 0xFFFF_FFFFL;
        m.gpr[2] = mask >>> 32;
        m.run("DBE3");  // FNINIT
        m.run("D9E8");  // FLD1
        m.run("D9EB");  // FLDPI
        m.f.mxcsr = 0x1F40;
        for (int i = 0; i < 32; i++) {
            m.f.xmm[i] = 0x0101_0101_0101_0101L * (i + 1);
        }
        fill(m, AREA, 576 + 64, PATTERN);
        return m;
    }

    private static void fill(FpuTestMachine m, long at, int n, int value) {
        for (int i = 0; i < n; i++) {
            m.poke(at + i, 1, value);
        }
    }

    private static long pattern(int bytes) {
        long v = 0;
        for (int i = 0; i < bytes; i++) {
            v = v << 8 | PATTERN;
        }
        return v;
    }

    @Test
    void legacyRegionIsTheFxsaveImageAndTheHeaderHoldsXinuse() {
        FpuTestMachine m = machine(-1L); // EDX:EAX all ones: RFBM = XCR0 = 3
        m.poke(AREA + 512, 8, 0x8000_0000_0000_0004L); // old XSTATE_BV bits outside RFBM survive
        assertEquals(SimdUnit.OK, m.run(XSAVE64));
        FpuTestMachine fx = machine(0);
        fx.gpr[3] = AREA + 0x1000;
        fill(fx, AREA + 0x1000, 512, PATTERN);
        assertEquals(SimdUnit.OK, fx.run(FXSAVE64));
        for (int i = 0; i < 512; i++) {
            assertEquals(fx.peek(AREA + 0x1000 + i, 1), m.peek(AREA + i, 1), "legacy region byte " + i);
        }
        assertEquals(0x8000_0000_0000_0007L, m.peek(AREA + 512, 8), "XSTATE_BV: x87 and SSE in use, bit 2 and 63 kept");
        assertEquals(pattern(8), m.peek(AREA + 520, 8), "XCOMP_BV is not written by XSAVE");
        assertEquals(pattern(8), m.peek(AREA + 568, 8), "nor the rest of the header");
        assertEquals(pattern(8), m.peek(AREA + 576, 8), "nothing beyond the 576-byte area");
    }

    @Test
    void instructionMaskAndXcr0SelectTheComponents() {
        FpuTestMachine x87Only = machine(1);
        assertEquals(SimdUnit.OK, x87Only.run(XSAVE64));
        assertEquals(0x37F, x87Only.peek(AREA, 2), "FCW saved");
        assertEquals(pattern(4), x87Only.peek(AREA + 24, 4), "MXCSR not saved without RFBM[1]");
        assertEquals(pattern(8), x87Only.peek(AREA + 160, 8), "XMM0 not saved");
        assertEquals(pattern(8) & ~1L | 1, x87Only.peek(AREA + 512, 8), "XSTATE_BV[0] = XINUSE[0]; bit 1, outside RFBM, kept");

        FpuTestMachine sseOnly = machine(2);
        assertEquals(SimdUnit.OK, sseOnly.run(XSAVE64));
        assertEquals(pattern(2), sseOnly.peek(AREA, 2), "FCW not saved without RFBM[0]");
        assertEquals(0x1F40, sseOnly.peek(AREA + 24, 4), "MXCSR");
        assertEquals(FpuState.MXCSR_MASK, sseOnly.peek(AREA + 28, 4), "MXCSR_MASK");
        assertEquals(0x2020_2020_2020_2020L, sseOnly.peek(AREA + 160 + 15 * 16 + 8, 8), "XMM15 high");
        assertEquals(pattern(8) & ~2L | 2, sseOnly.peek(AREA + 512, 8), "XSTATE_BV[1] = XINUSE[1]; bit 0 kept");

        FpuTestMachine xcr0X87 = machine(3);
        xcr0X87.xcr0 = 1; // EDX:EAX asks for SSE, XCR0 does not enable it
        assertEquals(SimdUnit.OK, xcr0X87.run(XSAVE64));
        assertEquals(pattern(4), xcr0X87.peek(AREA + 24, 4), "RFBM = XCR0 AND EDX:EAX");
        assertEquals(pattern(8) & ~1L | 1, xcr0X87.peek(AREA + 512, 8));
    }

    @Test
    void componentsInTheirInitialConfigurationAreNotInUse() {
        FpuTestMachine m = machine(3);
        m.f.initX87Component();
        java.util.Arrays.fill(m.f.xmm, 0);
        m.f.mxcsr = 0x1F80 | 0x3F; // MXCSR is not part of the SSE component's initial configuration
        m.poke(AREA + 512, 8, 0);
        assertEquals(SimdUnit.OK, m.run(XSAVE64));
        assertEquals(0, m.peek(AREA + 512, 8), "XSTATE_BV = 0");
        assertEquals(0x37F, m.peek(AREA, 2), "XSAVE still writes the x87 part");
        assertEquals(0x1FBF, m.peek(AREA + 24, 4), "and MXCSR");
        m.f.xmm[31] = 1; // XMM15 counts in 64-bit mode
        assertEquals(SimdUnit.OK, m.run(XSAVE64));
        assertEquals(2, m.peek(AREA + 512, 8));
    }

    @Test
    void xrstorLoadsWhatXsaveStored() {
        FpuTestMachine m = machine(3);
        m.f.fip = 0x1234_5678L;
        fill(m, AREA + 512, 64, 0); // XSAVE does not write XCOMP_BV: software zeroes the header first
        assertEquals(SimdUnit.OK, m.run(XSAVE64));
        FpuTestMachine n = machine(3);
        System.arraycopy(m.memory, 0, n.memory, 0, m.memory.length);
        n.run("DBE3");
        java.util.Arrays.fill(n.f.xmm, 0);
        n.f.mxcsr = 0x1F80;
        assertEquals(SimdUnit.OK, n.run(XRSTOR64));
        assertEquals(m.f.tagWord(), n.f.tagWord());
        assertEquals(m.f.top, n.f.top);
        assertEquals(m.stSig(0), n.stSig(0), "ST0 = pi");
        assertEquals(0x1234_5678L, n.f.fip);
        assertEquals(0x1F40, n.f.mxcsr);
        assertEquals(0x2020_2020_2020_2020L, n.f.xmm[31]);
    }

    @Test
    void xrstorInitializesComponentsWhoseXstateBvBitIsClear() {
        FpuTestMachine m = machine(3);
        m.poke(AREA + 24, 4, 0x1F81); // MXCSR image
        m.poke(AREA + 512, 8, 0);     // XSTATE_BV = 0
        fill(m, AREA + 520, 16, 0);   // XCOMP_BV and the reserved bytes 16-23 of the header
        assertEquals(SimdUnit.OK, m.run(XRSTOR64));
        assertEquals(0x37F, m.f.fcw);
        assertEquals(0, m.f.statusWord());
        assertEquals(0xFFFF, m.f.tagWord(), "all empty");
        for (int i = 0; i < 8; i++) {
            assertEquals(0, m.f.sig[i], "R" + i);
            assertEquals(0, m.f.se[i], "R" + i);
        }
        assertEquals(0, m.f.xmm[0]);
        assertEquals(0, m.f.xmm[31]);
        assertEquals(0x1F81, m.f.mxcsr, "standard form: MXCSR comes from the image whatever XSTATE_BV[1] says");
    }

    @Test
    void xrstorLeavesComponentsOutsideRfbm() {
        FpuTestMachine m = machine(1);
        m.poke(AREA + 24, 4, 0xFFFF_FFFFL); // an invalid MXCSR is not even checked without RFBM[1]
        m.poke(AREA + 512, 8, 0);
        fill(m, AREA + 520, 16, 0);
        long xmm5 = m.f.xmm[10];
        assertEquals(SimdUnit.OK, m.run(XRSTOR64));
        assertEquals(0xFFFF, m.f.tagWord(), "x87 initialized");
        assertEquals(xmm5, m.f.xmm[10], "XMM untouched");
        assertEquals(0x1F40, m.f.mxcsr, "MXCSR untouched");
    }

    @Test
    void xrstorHeaderAndMxcsrChecksRaiseGpBeforeAnyChange() {
        long[][] headers = {
            {0, 4},                        // XSTATE_BV bit 2 (AVX) not in XCR0
            {0, 0x8000_0000_0000_0003L},   // XSTATE_BV bit 63
            {8, 0x8000_0000_0000_0003L},   // XCOMP_BV[63]: the compacted form, not supported
            {8, 1},                        // XCOMP_BV must be zero in the standard form
            {16, 1},                       // header bytes 23:16 are reserved
        };
        for (long[] h : headers) {
            FpuTestMachine m = machine(3);
            m.poke(AREA + 24, 4, 0x1F80);
            m.poke(AREA + 512, 8, 3);
            fill(m, AREA + 520, 16, 0);
            m.poke(AREA + 512 + h[0], 8, h[1]);
            int fcw = m.f.fcw;
            assertEquals(SimdUnit.GP, m.run(XRSTOR64), "header offset " + h[0] + " = " + Long.toHexString(h[1]));
            assertEquals(fcw, m.f.fcw);
            assertEquals(0x1F40, m.f.mxcsr);
        }
        FpuTestMachine sseOff = machine(3);
        sseOff.xcr0 = 1;
        sseOff.poke(AREA + 512, 8, 2);
        fill(sseOff, AREA + 520, 16, 0);
        assertEquals(SimdUnit.GP, sseOff.run(XRSTOR64), "XSTATE_BV[1] with XCR0[1] = 0, even outside RFBM");

        FpuTestMachine badMxcsr = machine(3);
        badMxcsr.poke(AREA + 24, 4, 0x1_0000);
        badMxcsr.poke(AREA + 512, 8, 0);
        fill(badMxcsr, AREA + 520, 16, 0);
        int tags = badMxcsr.f.tagWord();
        assertEquals(SimdUnit.GP, badMxcsr.run(XRSTOR64), "MXCSR reserved bit 16");
        assertEquals(tags, badMxcsr.f.tagWord(), "x87 not initialized");
        assertEquals(0x1F40, badMxcsr.f.mxcsr);
    }

    @Test
    void undefinedWithoutOsxsaveOrWithAPrefixNmWhenTsSetGpWhenMisaligned() {
        FpuTestMachine m = machine(3);
        m.cr4 &= ~CR4_OSXSAVE;
        assertEquals(SimdUnit.UD, m.run(XSAVE64), "CR4.OSXSAVE = 0");
        assertEquals(SimdUnit.UD, m.run(XRSTOR64));
        m.cr4 |= CR4_OSXSAVE;
        assertEquals(SimdUnit.UD, m.run("66480FAE23"), "66 0F AE /4 is not XSAVE");
        assertEquals(SimdUnit.UD, m.run("F3480FAE23"), "F3 0F AE /4 (PTWRITE) is not offered");
        m.cr0 |= 1L << 3;
        assertEquals(SimdUnit.NM, m.run(XSAVE64), "CR0.TS");
        assertEquals(SimdUnit.NM, m.run(XRSTOR64));
        m.cr0 &= ~(1L << 3);
        m.cr0 |= 1L << 2;
        assertEquals(SimdUnit.OK, m.run(XSAVE64), "CR0.EM is not checked by XSAVE");
        m.cr0 &= ~(1L << 2);
        m.gpr[3] = AREA + 32;
        int writes = m.writes;
        assertEquals(SimdUnit.GP, m.run(XSAVE64), "16-byte aligned is not enough");
        assertEquals(writes, m.writes, "a misaligned XSAVE wrote nothing");
        assertEquals(SimdUnit.GP, m.run(XRSTOR64));
    }

    @Test
    void legacyFormOutside64BitModeSavesEightXmmRegistersAndSelectors() {
        FpuTestMachine m = machine(3);
        m.codeSize = 4;
        m.f.fcs = 0x23;
        m.f.fip = 0x1_2345_6789L;
        assertEquals(SimdUnit.OK, m.run("0FAE23")); // xsave [ebx]
        assertEquals(0x2345_6789L, m.peek(AREA + 8, 4), "32-bit FIP");
        assertEquals(0x23, m.peek(AREA + 12, 2), "FCS");
        assertEquals(0x1010_1010_1010_1010L, m.peek(AREA + 160 + 7 * 16 + 8, 8), "XMM7 high");
        assertEquals(pattern(8), m.peek(AREA + 160 + 8 * 16, 8), "XMM8 not saved outside 64-bit mode");
    }
}
