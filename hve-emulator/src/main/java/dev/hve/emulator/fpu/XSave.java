package dev.hve.emulator.fpu;

/**
 * XSAVE/XRSTOR (0F AE /4 and /5, with REX.W the XSAVE64/XRSTOR64 forms) in the standard format, for
 * the two state components this core has: x87 (bit 0) and SSE (bit 1) (Intel SDM Vol. 1 ch. 13,
 * Vol. 2 XSAVE/XRSTOR; AMD APM Vol. 2 §11.5). The XSAVE area is the FXSAVE image (the legacy region,
 * bytes 0-511) followed by the 64-byte XSAVE header: XSTATE_BV at 512, XCOMP_BV at 520. With only
 * these two components there is no extended region, so the area is 576 bytes, which CPUID leaf 0Dh
 * reports. The compacted form (XSAVEC, XCOMP_BV[63] = 1), XSAVEOPT and XSAVES are not offered.
 *
 * <p>The caller (the SSE unit) has made the instruction's checks: CR4.OSXSAVE, CR0.TS and the
 * 64-byte alignment. Both methods raise memory faults before changing memory or state.
 */
public final class XSave {

    /** XCR0/XSTATE_BV bit of the x87 state component. */
    public static final long X87 = 1;
    /** XCR0/XSTATE_BV bit of the SSE state component (XMM registers and MXCSR). */
    public static final long SSE = 2;
    /** The XCR0 bits this core supports: CPUID.(EAX=0DH,ECX=0):EDX:EAX. */
    public static final long SUPPORTED = X87 | SSE;
    /** Legacy region plus header: the size CPUID.(EAX=0DH,ECX=0) reports in EBX and ECX. */
    public static final int AREA_SIZE = 576;

    private static final int HEADER = 512;

    private final FpuState f;
    private final FxSave legacy;

    public XSave(FpuState f, FxSave legacy) {
        this.f = f;
        this.legacy = legacy;
    }

    /**
     * XINUSE (SDM Vol. 1 §13.6): bit i clear only when component i is in its initial configuration.
     * A processor may report a component in use at any time; this one reports exactly the
     * components that differ from their initial configuration, which keeps runs deterministic.
     */
    public long inUse(boolean mode64) {
        long bits = 0;
        if (!f.x87Initial()) {
            bits |= X87;
        }
        if (!f.xmmZero(mode64 ? 16 : 8)) {
            bits |= SSE;
        }
        return bits;
    }

    /**
     * XSAVE with requested-feature bitmap {@code rfbm} (EDX:EAX AND XCR0), SDM Vol. 1 §13.7: the x87
     * part of the legacy region if RFBM[0]; MXCSR and MXCSR_MASK if RFBM[1] (or RFBM[2], AVX, which
     * XCR0 cannot enable here); the XMM registers if RFBM[1]. XSTATE_BV bits outside RFBM keep their
     * old value, those inside become XINUSE. Nothing else in the header is written.
     */
    public void save(FpuHost h, int seg, long ea, long mask, long rfbm, boolean rexW, boolean mode64) {
        long oldXstateBv = FxSave.get(h, seg, ea, mask, HEADER, 8);
        h.probeWrite(seg, ea & mask, HEADER + 8);
        if ((rfbm & X87) != 0) {
            legacy.saveX87(h, seg, ea, mask, rexW);
        }
        if ((rfbm & SSE) != 0) {
            legacy.saveMxcsr(h, seg, ea, mask);
            legacy.saveXmm(h, seg, ea, mask, mode64);
        }
        FxSave.put(h, seg, ea, mask, HEADER, 8, (oldXstateBv & ~rfbm) | (inUse(mode64) & rfbm));
    }

    /**
     * XRSTOR, standard form (SDM Vol. 1 §13.8.1). Returns false, for #GP(0), before anything
     * changes when: XSTATE_BV sets a bit that XCR0 does not; bytes 23:8 of the header (XCOMP_BV
     * and the next 8 bytes) are not zero, which also rejects the compacted form this processor
     * lacks (CPUID.(EAX=0DH,ECX=1):EAX[1] = 0); or MXCSR is to be loaded with reserved bits set.
     * For each component in RFBM: XSTATE_BV set loads it from the area, clear puts it in its
     * initial configuration. MXCSR is loaded whenever RFBM[1] is set, whatever XSTATE_BV[1] says.
     */
    public boolean restore(FpuHost h, int seg, long ea, long mask, long rfbm, long xcr0, boolean rexW,
                           boolean mode64) {
        long xstateBv = FxSave.get(h, seg, ea, mask, HEADER, 8);
        long xcompBv = FxSave.get(h, seg, ea, mask, HEADER + 8, 8);
        long reserved = FxSave.get(h, seg, ea, mask, HEADER + 16, 8);
        if ((xstateBv & ~xcr0) != 0 || xcompBv != 0 || reserved != 0) {
            return false;
        }
        boolean loadsLegacy = (rfbm & SSE) != 0 || (rfbm & xstateBv & X87) != 0;
        int mxcsr = 0;
        if (loadsLegacy) {
            // The area spans at most two pages, and the header read above touched the last one:
            // reading the first now means no later read can fault with the state half-loaded.
            mxcsr = FxSave.mxcsrImage(h, seg, ea, mask);
            if ((rfbm & SSE) != 0 && !FxSave.validMxcsr(mxcsr)) {
                return false;
            }
        }
        if ((rfbm & X87) != 0) {
            if ((xstateBv & X87) != 0) {
                legacy.loadX87(h, seg, ea, mask, rexW);
            } else {
                f.initX87Component();
            }
        }
        if ((rfbm & SSE) != 0) {
            f.mxcsr = mxcsr;
            if ((xstateBv & SSE) != 0) {
                legacy.loadXmm(h, seg, ea, mask, mode64);
            } else {
                java.util.Arrays.fill(f.xmm, 0, mode64 ? 32 : 16, 0L);
            }
        }
        return true;
    }
}
