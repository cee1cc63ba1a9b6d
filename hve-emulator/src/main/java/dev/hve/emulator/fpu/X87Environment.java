package dev.hve.emulator.fpu;

import dev.hve.emulator.decode.Instruction;

/**
 * FNSTENV/FLDENV and FNSAVE/FRSTOR: the 14-byte (16-bit operand size) and 28-byte (32/64-bit)
 * environment images in their protected-mode and real-mode layouts (SDM Vol. 1 §8.1.10, figures
 * 8-9 to 8-12), followed for FNSAVE/FRSTOR by ST(0)-ST(7) as 80-bit values in stack order
 * (figure 8-13 and Vol. 2 FSAVE).
 */
final class X87Environment {

    private final FpuState f;

    X87Environment(FpuState f) {
        this.f = f;
    }

    private static int envSize(Instruction in) {
        return in.opSize == 2 ? 14 : 28;
    }

    /** FNSTENV (save=false) / FNSAVE (save=true). */
    void store(FpuHost h, Instruction in, long ea, long mask, boolean save) {
        int seg = in.segment();
        int size = envSize(in);
        h.probeWrite(seg, ea & mask, size + (save ? 80 : 0));
        boolean wide = size == 28;
        int step = wide ? 4 : 2;
        int fill = wide ? 0xFFFF_0000 : 0; // reserved upper halves of the 32-bit image
        put(h, seg, ea, mask, 0, step, fill | f.fcw);
        put(h, seg, ea, mask, step, step, fill | f.statusWord());
        put(h, seg, ea, mask, 2 * step, step, fill | f.tagWord());
        long fip = f.fip;
        long fdp = f.fdp;
        if (h.protectedMode()) {
            put(h, seg, ea, mask, 3 * step, step, fip);
            put(h, seg, ea, mask, 4 * step, step, wide ? (f.fcs & 0xFFFF) | ((long) (f.fop & 0x7FF) << 16) : f.fcs);
            put(h, seg, ea, mask, 5 * step, step, fdp);
            put(h, seg, ea, mask, 6 * step, step, wide ? fill | f.fds : f.fds);
        } else {
            // Real/virtual-8086 layout: 20- or 32-bit linear pointers split into 16-bit and high parts.
            long ip = ((long) f.fcs << 4) + fip;
            long dp = ((long) f.fds << 4) + fdp;
            put(h, seg, ea, mask, 3 * step, step, (wide ? fill : 0) | (ip & 0xFFFF));
            put(h, seg, ea, mask, 4 * step, step, wide ? ((ip >>> 16) << 12) | (f.fop & 0x7FF) : ((ip >>> 16) << 12) | (f.fop & 0x7FF));
            put(h, seg, ea, mask, 5 * step, step, (wide ? fill : 0) | (dp & 0xFFFF));
            put(h, seg, ea, mask, 6 * step, step, (dp >>> 16) << 12);
        }
        if (save) {
            for (int i = 0; i < 8; i++) {
                int r = f.phys(i);
                long off = size + 10L * i;
                h.write(seg, (ea + off) & mask, 8, f.sig[r]);
                h.write(seg, (ea + off + 8) & mask, 2, f.se[r]);
            }
            f.init(); // FNSAVE reinitializes the FPU (SDM Vol. 2 FSAVE)
        } else {
            f.fcw |= 0x3F; // FNSTENV masks all exceptions (SDM Vol. 2 FSTENV)
            f.updateSummary();
        }
    }

    /** FLDENV (restore=false) / FRSTOR (restore=true). Reads everything before changing state. */
    void load(FpuHost h, Instruction in, long ea, long mask, boolean restore) {
        int seg = in.segment();
        int size = envSize(in);
        int step = size == 28 ? 4 : 2;
        int fcw = (int) get(h, seg, ea, mask, 0, step) & 0xFFFF;
        int fsw = (int) get(h, seg, ea, mask, step, step) & 0xFFFF;
        int ftw = (int) get(h, seg, ea, mask, 2 * step, step) & 0xFFFF;
        long w3 = get(h, seg, ea, mask, 3 * step, step);
        long w4 = get(h, seg, ea, mask, 4 * step, step);
        long w5 = get(h, seg, ea, mask, 5 * step, step);
        long w6 = get(h, seg, ea, mask, 6 * step, step);
        if (restore) {
            // Read the registers first so that a fault leaves the FPU unchanged.
            for (int i = 0; i < 8; i++) {
                long off = size + 10L * i;
                h.read(seg, (ea + off) & mask, 8);
                h.read(seg, (ea + off + 8) & mask, 2);
            }
        }
        f.fcw = (fcw & 0x1F3F) | 0x40;
        f.setStatusWord(fsw);
        if (h.protectedMode()) {
            f.fip = w3;
            f.fcs = (int) (w4 & 0xFFFF);
            f.fop = step == 4 ? (int) (w4 >>> 16) & 0x7FF : f.fop;
            f.fdp = w5;
            f.fds = (int) (w6 & 0xFFFF);
        } else {
            f.fcs = 0;
            f.fds = 0;
            f.fip = (w3 & 0xFFFF) | ((w4 >>> 12) << 16);
            f.fop = (int) w4 & 0x7FF;
            f.fdp = (w5 & 0xFFFF) | ((w6 >>> 12) << 16);
        }
        if (restore) {
            for (int i = 0; i < 8; i++) {
                int r = f.phys(i);
                long off = size + 10L * i;
                f.sig[r] = h.read(seg, (ea + off) & mask, 8);
                f.se[r] = (int) h.read(seg, (ea + off + 8) & mask, 2);
            }
        }
        // Only "empty" is taken from the image; other tags follow the register contents, as the
        // processor keeps just the abridged tag internally (SDM Vol. 1 §8.1.7 and §10.5.1.1).
        for (int r = 0; r < 8; r++) {
            boolean empty = ((ftw >>> (2 * r)) & 3) == FpuState.TAG_EMPTY;
            f.tag[r] = empty ? FpuState.TAG_EMPTY : FpuState.tagFor(f.se[r], f.sig[r]);
        }
        f.updateSummary();
    }

    private static void put(FpuHost h, int seg, long ea, long mask, int off, int size, long v) {
        h.write(seg, (ea + off) & mask, size, v & (size == 4 ? 0xFFFF_FFFFL : 0xFFFF));
    }

    private static long get(FpuHost h, int seg, long ea, long mask, int off, int size) {
        return h.read(seg, (ea + off) & mask, size);
    }
}
