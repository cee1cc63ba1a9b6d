package dev.hve.emulator.exec;

import dev.hve.emulator.cpu.CpuState;

/**
 * Data accesses of compiled blocks through flat segments. Almost every protected-mode guest runs
 * with DS, ES and SS as writable data segments of base 0 and limit 4 GiB, where the type and limit
 * checks (SDM Vol. 3A §5.3, §5.4) pass for every access that ends below 4 GiB, and in 64-bit mode the
 * processor ignores those segments' bases and limits altogether (§3.4.4, §5.3.1). There the
 * segmentation checks of {@link Interpreter#linear} always pass and the linear address is the
 * offset, so a compiled block decides once, at entry and after every instruction it hands to the
 * interpreter (which may load a segment or change CPL, CR0 or RFLAGS.AC), whether its segments
 * are flat, and its accesses then go straight to the TLB.
 *
 * <p>The checks that still depend on the address stay per access: the 4 GiB limit outside 64-bit
 * mode, canonical form in it. Everything else (another segment state, CPL 3 with alignment checks
 * on, FS and GS, whose bases apply in 64-bit mode too) takes {@link Interpreter#read} and
 * {@link Interpreter#write}, which raise the faults.
 *
 * <p>A block that loops keeps, per access site, the host page its last flat access there went to
 * ({@link #pageChunk}; the accesses through it are {@code HostMemory.load/store}): a later access to the same page, not
 * crossing its end, goes straight to the host array. This is a TLB entry held in the block's
 * locals for one run of the block, which the processor's own TLB may keep as long (SDM Vol. 3A
 * §4.10.4: a translation may be used until MOV CR3, INVLPG or a paging-mode change invalidates
 * it): instructions that flush translations or change CPL (MOV CR3, INVLPG, far transfers) end a
 * block, and the block drops its kept pages after every instruction
 * it hands to the interpreter, which may load a segment, with its access mode. A page that
 * passed the limit or canonical check for one access passes it for every access that stays
 * inside the page, and a page holding decoded code is never kept for writes (a store to one
 * takes the full path, which reports it), so stores through a kept page need neither check nor
 * the code-page report.
 */
final class FlatData {

    /** Segments not all flat: every access takes the interpreter's checked path. */
    static final int CHECKED = 0;
    /** Every segment of the block is flat: the linear address is the offset. */
    static final int FLAT = 1;
    /** CPL 3: user accesses (no alignment checks: those make the segments checked). */
    static final int USER = 2;
    /** 64-bit mode: no segment checks at all, only canonical form. */
    static final int LONG = 4;

    /** A flat data segment's access rights: present, S = 1, data, writable, not expand-down. */
    private static final int FLAT_RIGHTS_MASK = CpuState.SEGMENT_UNUSABLE | 0x80 | 0x1E;
    private static final int FLAT_RIGHTS = 0x80 | 0x12;
    private static final long FOUR_GIB = 1L << 32;

    private FlatData() {
    }

    /**
     * The access mode for the segments in {@code segments} (bit n: segment register n; never FS
     * or GS) in the current state.
     */
    static int mode(Interpreter x, int segments) {
        CpuState s = x.s;
        int user = 0;
        if (s.cpl == 3) {
            // SDM Vol. 3A §6.15 (#AC): alignment is checked per access, in the checked path.
            if ((s.rflags & CpuState.AC) != 0 && (s.cr0 & CpuState.CR0_AM) != 0) {
                return CHECKED;
            }
            user = USER;
        }
        if (s.mode64()) {
            return FLAT | LONG | user;
        }
        for (int seg = 0; segments >>> seg != 0; seg++) {
            if ((segments & (1 << seg)) != 0 && !flat(s, seg)) {
                return CHECKED;
            }
        }
        return FLAT | user;
    }

    private static boolean flat(CpuState s, int seg) {
        return (s.segmentAttributes[seg] & FLAT_RIGHTS_MASK) == FLAT_RIGHTS
            && s.segmentBase[seg] == 0 && s.segmentLimit[seg] == -1;
    }

    /** Reads {@code size} bytes at offset {@code ea} of segment {@code seg}. */
    static long read(Interpreter x, int seg, long ea, int size, int mode) {
        if (mode != CHECKED && inside(ea, size, mode)) {
            return x.mem.read(ea, size, (mode & USER) != 0);
        }
        return x.read(seg, ea, size);
    }

    /** Writes {@code size} bytes of {@code value} at offset {@code ea} of segment {@code seg}. */
    static void write(Interpreter x, int seg, long ea, int size, long value, int mode) {
        if (mode != CHECKED && inside(ea, size, mode)) {
            x.mem.write(ea, size, value, (mode & USER) != 0);
        } else {
            x.write(seg, ea, size, value);
        }
    }

    /**
     * After a flat access at {@code ea}: the host array of its page, for the access site to keep,
     * or null when it may not keep it (checked mode, no cached translation, a code page for a
     * write). {@link #pageBase} then gives the page's first byte in the array.
     */
    static byte[] pageChunk(Interpreter x, long ea, int mode, boolean write) {
        if (mode == CHECKED) {
            return null;
        }
        return x.mem.dataChunk(ea, write, (mode & USER) != 0);
    }

    /** The page's first byte in the array the last {@link #pageChunk} returned. */
    static int pageBase(Interpreter x) {
        return x.mem.dataBase();
    }

    /**
     * Whether the access passes the checks that depend on its address: within the 4 GiB limit
     * (the offset is already truncated to the address size, so it is never negative), or
     * canonical at both ends in 64-bit mode.
     */
    private static boolean inside(long ea, int size, int mode) {
        if ((mode & LONG) == 0) {
            return ea <= FOUR_GIB - size;
        }
        return Interpreter.canonical(ea) && Interpreter.canonical(ea + size - 1);
    }
}
