package dev.hve.emulator.exec;

import static dev.hve.emulator.cpu.CpuState.ES;
import static dev.hve.emulator.cpu.CpuState.ZF;

import dev.hve.emulator.cpu.CpuState;
import dev.hve.emulator.decode.Instruction;

/**
 * MOVS, CMPS, STOS, LODS, SCAS with REP/REPE/REPNE at 16-, 32- and 64-bit address sizes (SDM Vol.
 * 2B, REP prefix). One iteration executes per step: while the count is not exhausted the
 * instruction does not retire and RIP stays on it, so interrupts, exits and the instruction budget
 * act between iterations exactly as they do on hardware.
 */
final class StringOps {

    private final Interpreter x;
    private final CpuState s;

    StringOps(Interpreter x) {
        this.x = x;
        this.s = x.s;
    }

    /** REP or REPNE present (any string instruction honors either as "repeat"). */
    boolean repeated() {
        return (x.in.prefixes & (Instruction.P_REP | Instruction.P_REPNE)) != 0;
    }

    /** With a repeat prefix and a zero count, nothing happens at all. */
    boolean countExhausted() {
        return repeated() && x.reg(x.in.addrSize, 1) == 0;
    }

    long step(int size) {
        return (s.rflags & CpuState.DF) != 0 ? -size : size;
    }

    long si() {
        return x.reg(x.in.addrSize, 6);
    }

    long di() {
        return x.reg(x.in.addrSize, 7);
    }

    void advance(int reg, int size) {
        x.setReg(x.in.addrSize, reg, x.reg(x.in.addrSize, reg) + step(size));
    }

    /**
     * Decrements the count after an iteration and decides whether to iterate again.
     *
     * @param conditional CMPS/SCAS: REPE stops when ZF = 0, REPNE when ZF = 1
     */
    void finishIteration(boolean conditional) {
        if (!repeated()) {
            return;
        }
        int asz = x.in.addrSize;
        long count = (x.reg(asz, 1) - 1) & Alu.mask(asz);
        x.setReg(asz, 1, count);
        if (count == 0) {
            return;
        }
        if (conditional) {
            boolean zf = (s.rflags & ZF) != 0;
            if (x.in.lastRep == 0xF3 ? !zf : zf) {
                return;
            }
        }
        x.repeat();
    }

    void movs(int size) {
        if (countExhausted()) {
            return;
        }
        long v = x.read(x.in.segment(), si(), size);
        x.write(ES, di(), size, v);
        advance(6, size);
        advance(7, size);
        finishIteration(false);
    }

    void cmps(int size) {
        if (countExhausted()) {
            return;
        }
        long a = x.read(x.in.segment(), si(), size);
        long b = x.read(ES, di(), size);
        Alu.sub(s, a, b, 0, size);
        advance(6, size);
        advance(7, size);
        finishIteration(true);
    }

    void stos(int size) {
        if (countExhausted()) {
            return;
        }
        x.write(ES, di(), size, x.reg(size, 0));
        advance(7, size);
        finishIteration(false);
    }

    void lods(int size) {
        if (countExhausted()) {
            return;
        }
        long v = x.read(x.in.segment(), si(), size);
        x.setReg(size, 0, v);
        advance(6, size);
        finishIteration(false);
    }

    void scas(int size) {
        if (countExhausted()) {
            return;
        }
        long b = x.read(ES, di(), size);
        Alu.sub(s, x.reg(size, 0), b, 0, size);
        advance(7, size);
        finishIteration(true);
    }
}
