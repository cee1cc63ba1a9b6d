package dev.hve.emulator.translate;

/**
 * Local-variable slots of a compiled block's {@code run} method. Every slot keeps one type for the
 * whole method, which keeps the stack-map frames trivial.
 */
final class Locals {

    static final int THIS = 0;
    static final int IP = 1;
    static final int STATE = 2;
    static final int GPR = 3;
    static final int BUDGET = 4;
    /** RIP at entry: instruction addresses are constant offsets from it. */
    static final int ENTRY = 5;
    /** Instructions retired by earlier passes through a block that loops to its start. */
    static final int DONE = 7;
    /** RFLAGS before that instruction. */
    static final int FLAGS = 9;
    static final int EA = 11;
    static final int A = 13;
    static final int B = 15;
    static final int R = 17;
    /** Deferred flags: the recorded operation's code (0: none pending) and operands. */
    static final int DKIND = 19;
    static final int DA = 20;
    static final int DB = 22;
    static final int EXCEPTION = 24;
    /** The block's data-access mode ({@code FlatData}), when it has memory operands. */
    static final int FLAT = 25;

    private Locals() {
    }
}
