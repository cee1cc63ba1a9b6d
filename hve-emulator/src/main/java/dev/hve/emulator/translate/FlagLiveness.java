package dev.hve.emulator.translate;

import static dev.hve.emulator.cpu.CpuState.AF;
import static dev.hve.emulator.cpu.CpuState.CF;
import static dev.hve.emulator.cpu.CpuState.OF;
import static dev.hve.emulator.cpu.CpuState.PF;
import static dev.hve.emulator.cpu.CpuState.SF;
import static dev.hve.emulator.cpu.CpuState.ZF;

import dev.hve.emulator.decode.Instruction;

/**
 * Which compiled instructions must compute their status flags. An instruction's flags may be
 * skipped when every flag it writes is written again by a later instruction of the block before
 * anything reads it. Everything else counts as a reader of all flags: leaving the block (a branch
 * taken, the block's end), an instruction that may fault or exit (the state before it must be
 * exact, because the fault is delivered with it), and the interpreter's handlers. The flags stay
 * exact in {@code CpuState.rflags} wherever the interpreter could see them.
 */
final class FlagLiveness {

    static final long STATUS = CF | PF | AF | ZF | SF | OF;

    private FlagLiveness() {
    }

    /** For each of the {@code forms.length} instructions, whether it must compute its flags. */
    static boolean[] needed(int[] forms, Instruction[] insns) {
        int n = forms.length;
        boolean[] needed = new boolean[n];
        long live = STATUS; // the block's end: the interpreter or the next block reads them
        for (int k = n - 1; k >= 0; k--) {
            int form = forms[k];
            Instruction i = insns[k];
            if (isBranch(form)) {
                live = STATUS; // a taken branch leaves the block
            }
            long writes = writes(form, i);
            needed[k] = (live & writes) != 0;
            live = (live & ~writes) | reads(form, i);
            if (Form.mayFault(form, i)) {
                live = STATUS;
            }
        }
        return needed;
    }

    private static boolean isBranch(int form) {
        return form == Form.JCC || form == Form.JMP || form == Form.EMBED_BRANCH || form == Form.CALL
            || form == Form.RET;
    }

    /** The status flags the instruction always overwrites when it computes its flags. */
    static long writes(int form, Instruction i) {
        switch (form) {
            case Form.ALU_RM_REG: case Form.ALU_REG_RM: case Form.ALU_ACC_IMM: case Form.ALU_RM_IMM:
            case Form.TEST_RM_REG: case Form.TEST_ACC_IMM: case Form.TEST_RM_IMM:
            case Form.IMUL_RM: case Form.IMUL_IMM:
                return STATUS;
            case Form.SHIFT:
                return Form.plainShift(i) ? STATUS : 0;
            case Form.INC_DEC_REG: case Form.INC_DEC_RM:
                return STATUS & ~CF;
            case Form.NOT_NEG:
                return (i.reg & 7) == 3 ? STATUS : 0; // NEG; NOT changes no flag
            default:
                return 0;
        }
    }

    /** The status flags the instruction reads. */
    static long reads(int form, Instruction i) {
        switch (form) {
            case Form.ALU_RM_REG: case Form.ALU_REG_RM: case Form.ALU_ACC_IMM: case Form.ALU_RM_IMM: {
                int kind = Form.kind(form, i);
                return kind == 2 || kind == 3 ? CF : 0; // ADC, SBB
            }
            case Form.JCC: case Form.SETCC: case Form.CMOVCC:
                return conditionFlags(i.opcode & 0xF);
            case Form.SHIFT:
                return Form.plainShift(i) ? 0 : STATUS; // rotates and variable counts may keep flags
            case Form.EMBED: case Form.EMBED_BRANCH:
                return STATUS;
            default:
                return 0;
        }
    }

    /** The flags condition code {@code cc} tests (SDM Vol. 1 appendix B). */
    static long conditionFlags(int cc) {
        switch (cc >>> 1) {
            case 0: return OF;
            case 1: return CF;
            case 2: return ZF;
            case 3: return CF | ZF;
            case 4: return SF;
            case 5: return PF;
            case 6: return SF | OF;
            default: return ZF | SF | OF;
        }
    }
}
