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
    /** Set when a store of the current instruction missed its page cache (so may have hit code). */
    static final int SLOW_STORE = 26;
    /**
     * The general registers the block uses, kept in locals (a long each, register r at
     * {@code FIRST_REGISTER + 2 * r}) and written through to {@code CpuState.gpr}, whose copy is
     * therefore always exact.
     */
    static final int FIRST_REGISTER = 27;
    /**
     * The page caches of a looping block's access sites ({@code FlatData}): instruction k's start
     * at {@code FIRST_PAGE_CACHE + k * PAGE_CACHE_STRIDE}, one for its load and one for its store
     * ({@link #STORE_CACHE} further), each a page number (long, -1 for none), the host array and the
     * page's first byte in it.
     */
    static final int FIRST_PAGE_CACHE = 59;
    static final int PAGE_CACHE_STRIDE = 8;
    static final int STORE_CACHE = 4;
    static final int CACHED_PAGE = 0;
    static final int CACHED_CHUNK = 2;
    static final int CACHED_BASE = 3;

    private Locals() {
    }
}
