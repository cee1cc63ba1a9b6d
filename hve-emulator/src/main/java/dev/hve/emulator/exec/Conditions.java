package dev.hve.emulator.exec;

import static dev.hve.emulator.cpu.CpuState.CF;
import static dev.hve.emulator.cpu.CpuState.OF;
import static dev.hve.emulator.cpu.CpuState.PF;
import static dev.hve.emulator.cpu.CpuState.SF;
import static dev.hve.emulator.cpu.CpuState.ZF;

/** The sixteen condition codes of Jcc/SETcc/CMOVcc (Intel SDM Vol. 1 appendix B). */
final class Conditions {

    private Conditions() {
    }

    static boolean test(int cc, long f) {
        boolean r;
        switch (cc >>> 1) {
            case 0: r = (f & OF) != 0; break;
            case 1: r = (f & CF) != 0; break;
            case 2: r = (f & ZF) != 0; break;
            case 3: r = (f & (CF | ZF)) != 0; break;
            case 4: r = (f & SF) != 0; break;
            case 5: r = (f & PF) != 0; break;
            case 6: r = ((f & SF) != 0) != ((f & OF) != 0); break;
            default: r = (f & ZF) != 0 || ((f & SF) != 0) != ((f & OF) != 0); break;
        }
        return (cc & 1) == 0 ? r : !r;
    }
}
