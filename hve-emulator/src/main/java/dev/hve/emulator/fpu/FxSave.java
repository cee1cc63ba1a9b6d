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
        put(h, seg, ea, mask, 24, 4, f.mxcsr);
        put(h, seg, ea, mask, 28, 4, FpuState.MXCSR_MASK);
        for (int i = 0; i < 8; i++) {
            int r = f.phys(i);
            put(h, seg, ea, mask, 32 + 16 * i, 8, f.sig[r]);
            put(h, seg, ea, mask, 40 + 16 * i, 8, f.se[r] & 0xFFFF); // bytes 10-15 of the slot are reserved: zero
        }
        int n = mode64 ? 16 : 8;
        for (int i = 0; i < n; i++) {
            put(h, seg, ea, mask, 160 + 16 * i, 8, f.xmm[2 * i]);
            put(h, seg, ea, mask, 168 + 16 * i, 8, f.xmm[2 * i + 1]);
        }
    }

    /**
     * Loads the image; returns false (the caller raises #GP(0)) when the MXCSR image sets reserved
     * bits, before anything changes.
     */
    public boolean restore(FpuHost h, int seg, long ea, long mask, boolean rexW, boolean mode64) {
        int mxcsr = (int) get(h, seg, ea, mask, 24, 4);
        if ((mxcsr & ~FpuState.MXCSR_MASK) != 0) {
            return false;
        }
        // Touch the last byte first: a #PF there must leave the state unchanged.
        get(h, seg, ea, mask, 504, 8);
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
        f.mxcsr = mxcsr;
        for (int i = 0; i < 8; i++) {
            int r = f.phys(i);
            f.sig[r] = get(h, seg, ea, mask, 32 + 16 * i, 8);
            f.se[r] = (int) get(h, seg, ea, mask, 40 + 16 * i, 2);
        }
        f.setAbridgedTag(ftw);
        f.updateSummary();
        int n = mode64 ? 16 : 8;
        for (int i = 0; i < n; i++) {
            f.xmm[2 * i] = get(h, seg, ea, mask, 160 + 16 * i, 8);
            f.xmm[2 * i + 1] = get(h, seg, ea, mask, 168 + 16 * i, 8);
        }
        return true;
    }

    private static void put(FpuHost h, int seg, long ea, long mask, int off, int size, long v) {
        h.write(seg, (ea + off) & mask, size, v);
    }

    private static long get(FpuHost h, int seg, long ea, long mask, int off, int size) {
        return h.read(seg, (ea + off) & mask, size);
    }
}
