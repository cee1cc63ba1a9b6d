package dev.hve.difftests.records;

import dev.hve.difftests.asm.Mode;

/** What a record decoder may know besides the record: the guest's mode, the exit RIP and the length of the instruction there (-1 if unknown). */
public record ExitContext(Mode mode, long rip, int instructionLength) {
}
