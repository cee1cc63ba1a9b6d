package dev.hve.emulator.exec;

import dev.hve.emulator.memory.CodePages;

/**
 * Linear-address memory as the executor sees it, after segmentation and before paging. The core
 * implements it with its MMU (guest paging, then EPT/NPT through the controls, then host memory);
 * the emulation-ops adapter implements it with the caller's callbacks.
 *
 * <p>Implementations raise {@link Fault} (#PF) or {@link ExitSignal}. A write that faults has no
 * effect; a multi-byte write that crosses pages checks both pages before writing either.
 */
public interface LinearMemory {

    /** Reads {@code size} (1, 2, 4 or 8) bytes, zero-extended. {@code user}: a CPL-3 data access. */
    long read(long linear, int size, boolean user);

    void write(long linear, int size, long value, boolean user);

    /** Reads one instruction byte. */
    int fetch(long linear, boolean user);

    /**
     * The host array holding the code page of {@code linear}, after the same checks and
     * translation as {@link #fetch}; {@link #codeOffset()} then gives the byte's index in it. May
     * return null when no direct view exists (the caller then fetches byte by byte).
     */
    default byte[] codeChunk(long linear, boolean user) {
        return null;
    }

    /** The index in the array last returned by {@link #codeChunk} of the requested byte. */
    default int codeOffset() {
        return 0;
    }

    /**
     * The host-physical address of the byte last located by {@link #codeChunk}: the key under
     * which decoded instructions may be kept, valid while {@link #codePages()} says so.
     */
    default long codeHostAddress() {
        return -1;
    }

    /** The code-page stamps of the memory behind {@link #codeChunk}; null: decodes are not kept. */
    default CodePages codePages() {
        return null;
    }

    /**
     * The host array holding the page of {@code linear} when the translation cache holds it for a
     * data access of this kind and privilege, so that a compiled block may keep addressing the page
     * directly until its next instruction the interpreter runs (which may flush translations) or
     * its return: {@link #dataBase()} then gives the page's first byte in the array. Null when no
     * such view exists, and for a write when the page holds decoded code (whose stores must report
     * themselves). No walk and no side effects.
     */
    default byte[] dataChunk(long linear, boolean write, boolean user) {
        return null;
    }

    /** The index of the page's first byte in the array last returned by {@link #dataChunk}. */
    default int dataBase() {
        return 0;
    }

    /** Checks that {@code size} bytes at {@code linear} are writable, raising what a write would. */
    void probeWrite(long linear, int size, boolean user);

    /**
     * Loads the PAE PDPTE registers from the page CR3 names (MOV to CR3 in PAE paging); false when a
     * present PDPTE has reserved bits, which the caller turns into #GP(0). Implementations that read
     * PDPTEs on every walk return true.
     */
    default boolean loadPdptes() {
        return true;
    }

    /** Drops every cached translation (CR3 load, paging-mode change, EPT/NPT change). */
    void flushAll();

    /** Drops cached translations of the page holding {@code linear} (INVLPG). */
    void flushPage(long linear);
}
