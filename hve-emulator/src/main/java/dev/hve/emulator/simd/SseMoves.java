package dev.hve.emulator.simd;

import dev.hve.emulator.fpu.FpuState;

/** SSE/SSE2 floating-point data moves: 0F 10-13, 16, 17, 28, 29, 2B (SDM Vol. 2 MOVUPS ... MOVNTPS). */
final class SseMoves extends SimdOperands {

    SseMoves(FpuState f) {
        super(f);
    }

    int floatMoves(int op, int pfx) {
        int r = xr();
        switch (op) {
            case 0x10: // MOVUPS/MOVUPD/MOVSS/MOVSD load
                if (pfx == PF3) {
                    if (mem()) {
                        set(r, read(0, 4), 0);
                    } else {
                        x[2 * r] = (x[2 * r] & 0xFFFF_FFFF_0000_0000L) | (x[2 * xm()] & 0xFFFF_FFFFL);
                    }
                } else if (pfx == PF2) {
                    if (mem()) {
                        set(r, read(0, 8), 0);
                    } else {
                        x[2 * r] = x[2 * xm()];
                    }
                } else {
                    src128(false);
                    set(r, sLo, sHi);
                }
                return OK;
            case 0x11: // stores
                if (pfx == PF3) {
                    if (mem()) {
                        write(0, 4, x[2 * r] & 0xFFFF_FFFFL);
                    } else {
                        int d = xm();
                        x[2 * d] = (x[2 * d] & 0xFFFF_FFFF_0000_0000L) | (x[2 * r] & 0xFFFF_FFFFL);
                    }
                } else if (pfx == PF2) {
                    if (mem()) {
                        write(0, 8, x[2 * r]);
                    } else {
                        x[2 * xm()] = x[2 * r];
                    }
                } else if (mem()) {
                    store128(false, x[2 * r], x[2 * r + 1]);
                } else {
                    set(xm(), x[2 * r], x[2 * r + 1]);
                }
                return OK;
            case 0x12: // MOVLPS/MOVHLPS, 66 MOVLPD
                if (pfx == PF2 || pfx == PF3 || (pfx == P66 && !mem())) {
                    return UD; // MOVDDUP/MOVSLDUP are SSE3
                }
                x[2 * r] = mem() ? read(0, 8) : x[2 * xm() + 1];
                return OK;
            case 0x13: // MOVLPS/MOVLPD m64, xmm
                if (pfx == PF2 || pfx == PF3) {
                    return UD;
                }
                requireMemory();
                write(0, 8, x[2 * r]);
                return OK;
            case 0x16: // MOVHPS/MOVLHPS, 66 MOVHPD
                if (pfx == PF2 || pfx == PF3 || (pfx == P66 && !mem())) {
                    return UD;
                }
                x[2 * r + 1] = mem() ? read(0, 8) : x[2 * xm()];
                return OK;
            case 0x17:
                if (pfx == PF2 || pfx == PF3) {
                    return UD;
                }
                requireMemory();
                write(0, 8, x[2 * r + 1]);
                return OK;
            case 0x28: // MOVAPS/MOVAPD
                if (pfx == PF2 || pfx == PF3) {
                    return UD;
                }
                src128(true);
                set(r, sLo, sHi);
                return OK;
            case 0x29:
                if (pfx == PF2 || pfx == PF3) {
                    return UD;
                }
                if (mem()) {
                    store128(true, x[2 * r], x[2 * r + 1]);
                } else {
                    set(xm(), x[2 * r], x[2 * r + 1]);
                }
                return OK;
            default: // 0x2B MOVNTPS/MOVNTPD: aligned store; the non-temporal hint has no architectural effect
                if (pfx == PF2 || pfx == PF3) {
                    return UD;
                }
                requireMemory();
                store128(true, x[2 * r], x[2 * r + 1]);
                return OK;
        }
    }
}
