package dev.hve.emulator.translate;

import dev.hve.emulator.cpu.CpuState;
import dev.hve.emulator.decode.Instruction;

/**
 * Which segment registers a compiled block's own memory operands use, for the block's data-access
 * mode ({@code FlatData}): the block asks once whether those segments are flat, not at every
 * access. FS and GS are left out: their bases apply in 64-bit mode too, so their accesses always
 * take the interpreter's checked path.
 */
final class FlatSegments {

    private FlatSegments() {
    }

    /** Whether accesses through segment {@code seg} may take the flat path. */
    static boolean eligible(int seg) {
        return seg != CpuState.FS && seg != CpuState.GS;
    }

    /**
     * The segments (bit n: segment register n) that the compiled instructions' memory operands
     * read or write through the flat path; 0 when they access no memory that way. Instructions the
     * interpreter runs for the block ({@link Form#EMBED}) do their own accesses; LEA and the hint
     * NOPs have a memory operand but access nothing.
     */
    static int used(int[] forms, Instruction[] insns) {
        int mask = 0;
        for (int k = 0; k < forms.length; k++) {
            if (flatOperand(forms[k], insns[k])) {
                mask |= 1 << insns[k].segment();
            }
        }
        return mask;
    }

    /** Whether compiled instruction {@code i} (of form {@code form}) accesses memory through the flat path. */
    static boolean flatOperand(int form, Instruction i) {
        if (form == Form.EMBED || form == Form.EMBED_BRANCH || form == Form.LEA || form == Form.NOP
            || !i.hasModrm || i.mod == 3) {
            return false;
        }
        return eligible(i.segment());
    }
}
