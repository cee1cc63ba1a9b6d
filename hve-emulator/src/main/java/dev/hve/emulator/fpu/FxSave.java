package dev.hve.emulator.fpu;

/**
 * FXSAVE/FXRSTOR (0F AE /0 and /1): the 512-byte image of the x87, MXCSR and XMM state (SDM Vol. 2
 * FXSAVE, tables 3-53 (legacy and 32-bit) and 3-56 (64-bit, REX.W)). The image must be 16-byte
 * aligned (#GP(0)); FXRSTOR raises #GP(0) for MXCSR bits outside MXCSR_MASK. XMM8-15 are saved and
 * restored only in 64-bit mode.
 */
public final class FxSave {

    private final FpuState f;

    public FxSave(FpuState f) {
        this.f = f;
    }

    /**
     * Stores the image at seg:ea. {@code rexW} selects the 64-bit FIP/FDP format; {@code mode64} means
     * 16 XMM registers. The caller has checked alignment and CR0 (see {@link dev.hve.emulator.simd.SimdUnit}).
     */
    public void save(FpuHost h, int seg, long ea, long mask, boolean rexW, boolean mode64) {
        h.probeWrite(seg, ea & mask, 512);
        saveX87(h, seg, ea, mask, rexW);
        saveMxcsr(h, seg, ea, mask);
        saveXmm(h, seg, ea, mask, mode64);
    }

    /**
     * Loads the image; returns false (the caller raises #GP(0)) when the MXCSR image sets reserved
     * bits, before anything changes.
     */
    public boolean restore(FpuHost h, int seg, long ea, long mask, boolean rexW, boolean mode64) {
        int mxcsr = mxcsrImage(h, seg, ea, mask);
        if (!validMxcsr(mxcsr)) {
            return false;
        }
        // Touch the last byte first: a #PF there must leave the state unchanged.
        get(h, seg, ea, mask, 504, 8);
        loadX87(h, seg, ea, mask, rexW);
        f.mxcsr = mxcsr;
        loadXmm(h, seg, ea, mask, mode64);
        return true;
    }

    // The legacy region's parts, which XSAVE/XRSTOR also move one state component at a time
    // (SDM Vol. 1 §13.5.1 x87 state, bytes 0-23 and 32-159; §13.5.2 SSE state, MXCSR and
    // MXCSR_MASK at 24-31, XMM registers from byte 160).

    /** FCW, FSW, abridged FTW, FOP, FIP/FCS, FDP/FDS and ST0-ST7 (in the stack order of the image). */
    void saveX87(FpuHost h, int seg, long ea, long mask, boolean rexW) {
        put(h, seg, ea, mask, 0, 2, f.fcw);
        put(h, seg, ea, mask, 2, 2, f.statusWord());
        put(h, seg, ea, mask, 4, 1, f.abridgedTag());
        put(h, seg, ea, mask, 5, 1, 0);
        put(h, seg, ea, mask, 6, 2, f.fop);
        if (rexW) {
            put(h, seg, ea, mask, 8, 8, f.fip);
            put(h, seg, ea, mask, 16, 8, f.fdp);
        } else {
            put(h, seg, ea, mask, 8, 4, f.fip);
            put(h, seg, ea, mask, 12, 4, f.fcs & 0xFFFF);
            put(h, seg, ea, mask, 16, 4, f.fdp);
            put(h, seg, ea, mask, 20, 4, f.fds & 0xFFFF);
        }
        for (int i = 0; i < 8; i++) {
            int r = f.phys(i);
            put(h, seg, ea, mask, 32 + 16 * i, 8, f.sig[r]);
            put(h, seg, ea, mask, 40 + 16 * i, 8, f.se[r] & 0xFFFF); // bytes 10-15 of the slot are reserved: zero
        }
    }

    void saveMxcsr(FpuHost h, int seg, long ea, long mask) {
        put(h, seg, ea, mask, 24, 4, f.mxcsr);
        put(h, seg, ea, mask, 28, 4, FpuState.MXCSR_MASK);
    }

    /** XMM0-15 in 64-bit mode, XMM0-7 outside it. */
    void saveXmm(FpuHost h, int seg, long ea, long mask, boolean mode64) {
        int n = mode64 ? 16 : 8;
        for (int i = 0; i < n; i++) {
            put(h, seg, ea, mask, 160 + 16 * i, 8, f.xmm[2 * i]);
            put(h, seg, ea, mask, 168 + 16 * i, 8, f.xmm[2 * i + 1]);
        }
    }

    static int mxcsrImage(FpuHost h, int seg, long ea, long mask) {
        return (int) get(h, seg, ea, mask, 24, 4);
    }

    /** MXCSR bits outside MXCSR_MASK are reserved: loading them is #GP(0) (SDM Vol. 1 §11.6.6). */
    static boolean validMxcsr(int mxcsr) {
        return (mxcsr & ~FpuState.MXCSR_MASK) == 0;
    }

    /** Loads the x87 part of the image; the caller has touched the image's pages already. */
    void loadX87(FpuHost h, int seg, long ea, long mask, boolean rexW) {
        int fcw = (int) get(h, seg, ea, mask, 0, 2);
        int fsw = (int) get(h, seg, ea, mask, 2, 2);
        int ftw = (int) get(h, seg, ea, mask, 4, 1);
        int fop = (int) get(h, seg, ea, mask, 6, 2) & 0x7FF;
        long fip;
        long fdp;
        int fcs = 0;
        int fds = 0;
        if (rexW) {
            fip = get(h, seg, ea, mask, 8, 8);
            fdp = get(h, seg, ea, mask, 16, 8);
        } else {
            fip = get(h, seg, ea, mask, 8, 4);
            fcs = (int) get(h, seg, ea, mask, 12, 2);
            fdp = get(h, seg, ea, mask, 16, 4);
            fds = (int) get(h, seg, ea, mask, 20, 2);
        }
        f.fcw = (fcw & 0x1F3F) | 0x40;
        f.setStatusWord(fsw);
        f.fop = fop;
        f.fip = fip;
        f.fdp = fdp;
        f.fcs = fcs;
        f.fds = fds;
        for (int i = 0; i < 8; i++) {
            int r = f.phys(i);
            f.sig[r] = get(h, seg, ea, mask, 32 + 16 * i, 8);
            f.se[r] = (int) get(h, seg, ea, mask, 40 + 16 * i, 2);
        }
        f.setAbridgedTag(ftw);
        f.updateSummary();
    }

    void loadXmm(FpuHost h, int seg, long ea, long mask, boolean mode64) {
        int n = mode64 ? 16 : 8;
        for (int i = 0; i < n; i++) {
            f.xmm[2 * i] = get(h, seg, ea, mask, 160 + 16 * i, 8);
            f.xmm[2 * i + 1] = get(h, seg, ea, mask, 168 + 16 * i, 8);
        }
    }

    static void put(FpuHost h, int seg, long ea, long mask, int off, int size, long v) {
        h.write(seg, (ea + off) & mask, size, v);
    }

    static long get(FpuHost h, int seg, long ea, long mask, int off, int size) {
        return h.read(seg, (ea + off) & mask, size);
    }
}
