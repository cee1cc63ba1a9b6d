package dev.hve.emulator.decode;

/**
 * A run of decoded instructions that follow each other in one 4 KiB page of host-physical memory,
 * starting at {@link #hpa}: the unit that {@link BlockCache} keeps. It grows as execution falls
 * through to the next instruction, so it holds exactly what was decoded on the way, with the raw
 * bytes those decodes came from. It is valid while the page's code stamp equals {@link #stamp};
 * after a write to the page the bytes are compared once to revalidate it.
 */
public final class DecodedBlock {

    /** Instructions per block; a longer straight run continues in the block that starts after it. */
    public static final int CAPACITY = 32;
    private static final int MAX_LENGTH = 15;

    /** Host-physical address of the first instruction; -1 for an unused block. */
    long hpa = -1;
    public int codeSize;
    /** Host-physical page number and the code stamp under which the decodes are valid. */
    public int page;
    public int stamp;
    /** Instructions decoded so far. */
    public int count;
    private final Instruction[] instructions = new Instruction[CAPACITY];
    /** Offset from the block's start to the end of each instruction. */
    private final int[] ends = new int[CAPACITY];
    /** Whether each instruction leaves the fetch context alone (see {@link #keepsFetchContext}). */
    private final boolean[] plain = new boolean[CAPACITY];
    /** The bytes of the decoded instructions, from the block's start. */
    private final byte[] bytes = new byte[CAPACITY * MAX_LENGTH];
    /** The executor's compiled form of the block's first instructions, or null. */
    public BlockTranslation translation;
    /**
     * How often execution entered the block at its first instruction since it was filled; the
     * executor compiles hot blocks. {@link #NOT_TRANSLATED} once it decided not to.
     */
    public int entries;
    public static final int NOT_TRANSLATED = Integer.MIN_VALUE;
    /** Exits that left the block's compiled form part-way through. */
    public int exits;

    void reset(long hpa, int codeSize, int page, int stamp) {
        this.hpa = hpa;
        this.codeSize = codeSize;
        this.page = page;
        this.stamp = stamp;
        this.count = 0;
        this.translation = null;
        this.entries = 0;
        this.exits = 0;
    }

    /** Host-physical address of the first instruction. */
    public long hpa() {
        return hpa;
    }

    /** The decoded instruction {@code k} (below {@link #count}). */
    public Instruction instruction(int k) {
        return instructions[k];
    }

    /** Where instruction {@code k} ends, counted in bytes from the block's start. */
    public int end(int k) {
        return ends[k];
    }

    /** Where instruction {@code k} starts, counted in bytes from the block's start. */
    public int start(int k) {
        return k == 0 ? 0 : ends[k - 1];
    }

    public boolean plain(int k) {
        return plain[k];
    }

    public boolean full() {
        return count == CAPACITY;
    }

    /**
     * Appends {@code decoded}, which was decoded from {@code window[offset..]} and lies wholly in
     * this block's page right after the previous instruction.
     */
    public void append(Instruction decoded, byte[] window, int offset) {
        int k = count;
        Instruction slot = instructions[k];
        if (slot == null) {
            slot = new Instruction(); // once per slot: a block is reused, never reallocated
            instructions[k] = slot;
        }
        slot.copyFrom(decoded);
        int start = start(k);
        System.arraycopy(window, offset, bytes, start, decoded.length);
        ends[k] = start + decoded.length;
        plain[k] = keepsFetchContext(decoded);
        count = k + 1;
    }

    /** Whether the bytes at {@code window[offset..]} still equal the ones the block decoded. */
    boolean sameBytes(byte[] window, int offset) {
        int length = count == 0 ? 0 : ends[count - 1];
        if (offset + length > window.length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (bytes[i] != window[offset + i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether executing {@code i} leaves everything that instruction fetch depends on unchanged:
     * CS (base, limit, attributes), CPL, CR0, CR3, CR4, EFER, RFLAGS.VM and every cached
     * translation. Only then may the next instruction be taken from the same block without a new
     * fetch through the TLB. Far transfers, software interrupts, IRET, HLT, system-register and
     * descriptor-table instructions, MSR writes, the fast system calls, RSM and the VMX/SVM
     * instructions may change them; so may an exception or an exit, which end the block anyway.
     * The list errs on the side of ending the block.
     */
    static boolean keepsFetchContext(Instruction i) {
        int op = i.opcode;
        if (op < Instruction.MAP_0F) {
            switch (op) {
                case 0x9A: case 0xCA: case 0xCB: case 0xCC: case 0xCD: case 0xCE: case 0xCF:
                case 0xEA: case 0xF1: case 0xF4:
                    return false;
                case 0xFF:
                    int reg = i.reg & 7;
                    return reg != 3 && reg != 5;
                default:
                    return true;
            }
        }
        if (op < Instruction.MAP_0F38) {
            switch (op & 0xFF) {
                case 0x00: case 0x01: case 0x05: case 0x06: case 0x07: case 0x08: case 0x09:
                case 0x20: case 0x21: case 0x22: case 0x23: case 0x30: case 0x34: case 0x35:
                case 0x78: case 0x79: case 0xAA: case 0xAE: case 0xC7:
                    return false;
                default:
                    return true;
            }
        }
        return op < Instruction.MAP_0F3A;
    }
}
