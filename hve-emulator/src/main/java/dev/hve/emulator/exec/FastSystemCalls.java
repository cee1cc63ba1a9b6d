package dev.hve.emulator.exec;

import static dev.hve.emulator.cpu.CpuState.CS;
import static dev.hve.emulator.cpu.CpuState.SS;

import dev.hve.emulator.cpu.CpuState;

/**
 * SYSCALL/SYSRET (AMD APM Vol. 3; Intel SDM Vol. 2B) and SYSENTER/SYSEXIT (SDM Vol. 2B): the flat
 * segment caches these instructions load without reading descriptors, and the vendor differences
 * (Intel: SYSCALL only in 64-bit mode; AMD: no SYSENTER in long mode).
 */
final class FastSystemCalls {

    private final Interpreter x;
    private final CpuState s;

    FastSystemCalls(Interpreter x) {
        this.x = x;
        this.s = x.s;
    }

    private boolean intel() {
        return !"amd".equals(x.model.name());
    }

    /** Loads a flat code or stack segment cache as SYSCALL/SYSRET/SYSENTER/SYSEXIT do. */
    private void flat(int seg, int selector, boolean code, int dpl, boolean longCode) {
        s.segmentSelector[seg] = selector & 0xFFFF;
        s.segmentBase[seg] = 0;
        s.segmentLimit[seg] = 0xFFFF_FFFF;
        int attr = (code ? 0xB : 0x3) | Segments.A_S | (dpl << 5) | Segments.A_P | Segments.A_G;
        attr |= longCode ? Segments.A_L : Segments.A_DB;
        s.segmentAttributes[seg] = attr;
    }

    /** SYSCALL (SDM Vol. 4B; APM Vol. 3): Intel only in 64-bit mode, AMD also in legacy mode. */
    void syscall() {
        if ((s.efer & CpuState.EFER_SCE) == 0 || (!s.mode64() && (intel() || !s.protectedMode()))) {
            throw x.ud();
        }
        int cs = (int) ((s.star >>> 32) & 0xFFFC);
        if (s.longModeActive()) {
            long target = s.mode64() ? s.lstar : s.cstar;
            s.gpr[1] = x.nextRip;
            s.gpr[11] = s.rflags & ~CpuState.RF;
            flat(CS, cs, true, 0, true);
            flat(SS, cs + 8, false, 0, false);
            s.cpl = 0;
            s.rflags = (s.rflags & ~s.sfmask & ~CpuState.RF) | CpuState.FIXED_ONE;
            x.nextRip = target;
        } else {
            s.gpr[1] = x.nextRip & 0xFFFF_FFFFL;
            flat(CS, cs, true, 0, false);
            flat(SS, cs + 8, false, 0, false);
            s.cpl = 0;
            s.rflags &= ~(CpuState.IF | CpuState.VM | CpuState.RF);
            x.nextRip = s.star & 0xFFFF_FFFFL;
        }
    }

    void sysret() {
        if ((s.efer & CpuState.EFER_SCE) == 0 || (!s.mode64() && (intel() || !s.protectedMode()))) {
            throw x.ud();
        }
        x.requireCpl0();
        int base = (int) ((s.star >>> 48) & 0xFFFF);
        if (s.mode64()) {
            boolean to64 = x.in.rexW();
            long target = to64 ? s.gpr[1] : s.gpr[1] & 0xFFFF_FFFFL;
            if (to64 && !Interpreter.canonical(target)) {
                throw x.gp(0); // Intel raises #GP in ring 0 for a non-canonical RCX
            }
            flat(CS, (to64 ? base + 16 : base) | 3, true, 3, to64);
            s.rflags = (s.gpr[11] & 0x3C_7FD7L) | CpuState.FIXED_ONE;
            x.nextRip = target;
        } else {
            flat(CS, base | 3, true, 3, false);
            s.rflags |= CpuState.IF;
            x.nextRip = s.gpr[1] & 0xFFFF_FFFFL;
        }
        flat(SS, (base + 8) | 3, false, 3, false);
        s.cpl = 3;
    }

    void sysenter() {
        if (!s.protectedMode() || (!intel() && s.longModeActive())) {
            throw s.protectedMode() ? x.ud() : x.gp(0);
        }
        int cs = (int) (s.sysenterCs & 0xFFFC);
        if (cs == 0) {
            throw x.gp(0);
        }
        boolean lma = s.longModeActive();
        flat(CS, cs, true, 0, lma);
        flat(SS, cs + 8, false, 0, false);
        s.cpl = 0;
        s.rflags &= ~(CpuState.VM | CpuState.IF | CpuState.RF);
        s.gpr[4] = lma ? s.sysenterEsp : s.sysenterEsp & 0xFFFF_FFFFL;
        x.nextRip = lma ? s.sysenterEip : s.sysenterEip & 0xFFFF_FFFFL;
    }

    void sysexit() {
        if (!s.protectedMode() || (!intel() && s.longModeActive())) {
            throw s.protectedMode() ? x.ud() : x.gp(0);
        }
        x.requireCpl0();
        int cs = (int) (s.sysenterCs & 0xFFFC);
        if (cs == 0) {
            throw x.gp(0);
        }
        boolean to64 = x.in.rexW();
        if (to64) {
            if (!Interpreter.canonical(s.gpr[2]) || !Interpreter.canonical(s.gpr[1])) {
                throw x.gp(0);
            }
            flat(CS, (cs + 32) | 3, true, 3, true);
            flat(SS, (cs + 40) | 3, false, 3, false);
            s.gpr[4] = s.gpr[1];
            x.nextRip = s.gpr[2];
        } else {
            flat(CS, (cs + 16) | 3, true, 3, false);
            flat(SS, (cs + 24) | 3, false, 3, false);
            s.gpr[4] = s.gpr[1] & 0xFFFF_FFFFL;
            x.nextRip = s.gpr[2] & 0xFFFF_FFFFL;
        }
        s.cpl = 3;
    }
}
