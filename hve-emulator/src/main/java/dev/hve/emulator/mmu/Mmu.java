package dev.hve.emulator.mmu;

import dev.hve.emulator.control.GuestControls;
import dev.hve.emulator.cpu.CpuState;
import dev.hve.emulator.exec.ExitSignal;
import dev.hve.emulator.exec.Fault;
import dev.hve.emulator.exec.LinearMemory;
import dev.hve.emulator.memory.CodePages;
import dev.hve.emulator.memory.HostMemory;
import java.util.Arrays;

/**
 * The core's memory path: linear address → guest paging ({@link PageWalker}) → guest-physical →
 * {@link GuestControls#translateGuestPhysical} (EPT/NPT) → host-physical {@link HostMemory}, with
 * a software TLB over the combined translation.
 *
 * <p>The TLB is direct-mapped, one table each for reads, writes and fetches, tagged by linear page
 * and the user/supervisor bit of the access. An entry holds the host chunk array and the page's
 * offset in it (a 4 KiB page never straddles a chunk), so a hit costs an index, a compare and an
 * array access. Write entries are installed only after the dirty bit is set, so a hit never needs
 * a page-table update. Like a hardware TLB it is not coherent with page-table writes: software
 * invalidates with MOV CR3, INVLPG, or (for EPT/NPT changes) the backend's flush.
 */
public final class Mmu implements LinearMemory {

    private static final int BITS = 9;
    private static final int SIZE = 1 << BITS;
    private static final int MASK = SIZE - 1;

    static final int READ = 0;
    static final int WRITE = 1;
    static final int EXECUTE = 2;

    private final HostMemory host;
    private final GuestControls controls;
    private final PageWalker walker;

    private final long[][] tags = {new long[SIZE], new long[SIZE], new long[SIZE]};
    private final byte[][][] chunks = {new byte[SIZE][], new byte[SIZE][], new byte[SIZE][]};
    private final int[][] bases = {new int[SIZE], new int[SIZE], new int[SIZE]};
    private final long[] readTag = tags[READ];
    private final long[] writeTag = tags[WRITE];
    private final long[] fetchTag = tags[EXECUTE];
    private final byte[][] readChunk = chunks[READ];
    private final byte[][] writeChunk = chunks[WRITE];
    private final byte[][] fetchChunk = chunks[EXECUTE];
    private final int[] readBase = bases[READ];
    private final int[] writeBase = bases[WRITE];
    private final int[] fetchBase = bases[EXECUTE];
    /** Host-physical page number of each entry (a write entry's page may hold decoded code). */
    private final int[][] hostPages = {new int[SIZE], new int[SIZE], new int[SIZE]};
    private final int[] writeHostPage = hostPages[WRITE];
    private final int[] fetchHostPage = hostPages[EXECUTE];
    private final CodePages codePages;
    /** Whether any cached entry came from a page larger than 4 KiB (INVLPG must then flush all). */
    private boolean largePagesCached;

    /** The guest-linear address of the most recent translation (for exit records). */
    private long lastLinear;

    /**
     * @param cachePdptes load PAE PDPTEs into registers at CR3 writes (the Intel behavior) rather than
     *                    reading them on every walk (the AMD behavior with nested paging)
     */
    public Mmu(CpuState state, HostMemory host, GuestControls controls, Fault fault, int physicalAddressBits,
               boolean cachePdptes) {
        this.host = host;
        this.codePages = host.codePages();
        this.controls = controls;
        this.walker = new PageWalker(state, host, controls, fault, physicalAddressBits, cachePdptes);
        flushAll();
    }

    /** The guest-linear address whose translation ran last: the faulting one after a #PF or exit. */
    public long lastLinear() {
        return lastLinear;
    }

    /** The guest-physical address the last translation produced (or was producing when it exited). */
    public long lastGuestPhysical() {
        return walker.lastGuestPhysical;
    }

    @Override
    public void flushAll() {
        for (long[] t : tags) {
            Arrays.fill(t, -1L);
        }
        largePagesCached = false;
    }

    @Override
    public boolean loadPdptes() {
        return walker.loadPdptes(false);
    }

    /** Reloads the PDPTE registers without exits, after guest state was loaded from outside. */
    public void reloadPdptesQuietly() {
        walker.loadPdptes(true);
    }

    /** Sets the PDPTE registers from outside (VM entry with EPT); see {@code X86Core.loadPdpteRegisters}. */
    public void loadPdpteRegisters(long[] pdptes) {
        if (walker.setPdpteRegisters(pdptes)) {
            flushAll();
        }
    }

    /** Copies the PDPTE registers out; false when none are loaded. */
    public boolean pdpteRegisters(long[] destination) {
        return walker.pdpteRegisters(destination);
    }

    @Override
    public void flushPage(long linear) {
        if (largePagesCached) {
            flushAll();
            return;
        }
        long page = linear >>> 12;
        int i = (int) page & MASK;
        for (long[] t : tags) {
            if ((t[i] >>> 1) == page) {
                t[i] = -1L;
            }
        }
    }

    private static long tag(long linear, boolean user) {
        return ((linear >>> 12) << 1) | (user ? 1 : 0);
    }

    /**
     * Translates and installs a TLB entry for {@code kind}; throws #PF (or an exit met during the
     * walk). False when the final translation exited: the caller throws the exit signal itself,
     * so that the throw sits in the small access method HotSpot inlines into the instruction
     * handler that catches it, instead of unwinding compiled frames through the runtime (profiled:
     * thousands of host instructions per MMIO exit).
     */
    private boolean fill(long linear, int kind, boolean user) {
        lastLinear = linear;
        long hpa = walker.translate(linear, kind, user);
        if (hpa < 0) {
            return false;
        }
        int i = (int) (linear >>> 12) & MASK;
        tags[kind][i] = tag(linear, user);
        chunks[kind][i] = host.chunk(hpa);
        bases[kind][i] = HostMemory.offset(hpa);
        hostPages[kind][i] = (int) (hpa >>> 12);
        if (walker.lastPageLarge) {
            largePagesCached = true;
        }
        return true;
    }

    @Override
    public long read(long linear, int size, boolean user) {
        int off = (int) linear & 0xFFF;
        if (off + size > 0x1000) {
            return readCrossing(linear, size, user);
        }
        int i = (int) (linear >>> 12) & MASK;
        if (readTag[i] != tag(linear, user) && !fill(linear, READ, user)) {
            throw exit();
        }
        return HostMemory.load(readChunk[i], readBase[i] + off, size);
    }

    private long readCrossing(long linear, int size, boolean user) {
        long v = 0;
        for (int b = 0; b < size; b++) {
            v |= read(linear + b, 1, user) << (8 * b);
        }
        return v;
    }

    @Override
    public void write(long linear, int size, long value, boolean user) {
        int off = (int) linear & 0xFFF;
        if (off + size > 0x1000) {
            probeWrite(linear, size, user);
            for (int b = 0; b < size; b++) {
                write(linear + b, 1, value >>> (8 * b), user);
            }
            return;
        }
        int i = (int) (linear >>> 12) & MASK;
        if (writeTag[i] != tag(linear, user) && !fill(linear, WRITE, user)) {
            throw exit();
        }
        HostMemory.store(writeChunk[i], writeBase[i] + off, size, value);
        // The store bypasses HostMemory, so it reports itself when the page holds decoded code.
        int page = writeHostPage[i];
        if ((codePages.stamps()[page] & 1) != 0) {
            codePages.written(page);
        }
    }

    private int dataBase;

    @Override
    public byte[] dataChunk(long linear, boolean write, boolean user) {
        int i = (int) (linear >>> 12) & MASK;
        long tag = tag(linear, user);
        if (write) {
            // A page that holds decoded code stays on the path that reports stores to it.
            if (writeTag[i] != tag || (codePages.stamps()[writeHostPage[i]] & 1) != 0) {
                return null;
            }
            dataBase = writeBase[i];
            return writeChunk[i];
        }
        if (readTag[i] != tag) {
            return null;
        }
        dataBase = readBase[i];
        return readChunk[i];
    }

    @Override
    public int dataBase() {
        return dataBase;
    }

    @Override
    public void probeWrite(long linear, int size, boolean user) {
        long first = linear >>> 12;
        long last = (linear + size - 1) >>> 12;
        for (long page = first; page <= last; page++) {
            long lin = page == first ? linear : page << 12;
            int i = (int) page & MASK;
            if (writeTag[i] != tag(lin, user) && !fill(lin, WRITE, user)) {
                throw exit();
            }
        }
    }

    @Override
    public int fetch(long linear, boolean user) {
        int i = (int) (linear >>> 12) & MASK;
        if (fetchTag[i] != tag(linear, user) && !fill(linear, EXECUTE, user)) {
            throw exit();
        }
        return fetchChunk[i][fetchBase[i] + ((int) linear & 0xFFF)] & 0xFF;
    }

    private int codeOffset;
    private long lastCodeLinear;

    @Override
    public byte[] codeChunk(long linear, boolean user) {
        int i = (int) (linear >>> 12) & MASK;
        if (fetchTag[i] != tag(linear, user) && !fill(linear, EXECUTE, user)) {
            throw exit();
        }
        codeOffset = fetchBase[i] + ((int) linear & 0xFFF);
        lastCodeLinear = linear;
        return fetchChunk[i];
    }

    @Override
    public int codeOffset() {
        return codeOffset;
    }

    /** The host-physical address of the byte last located by {@link #codeChunk}. */
    @Override
    public long codeHostAddress() {
        return ((long) fetchHostPage[(int) (lastCodeLinear >>> 12) & MASK] << 12) | (lastCodeLinear & 0xFFF);
    }

    @Override
    public CodePages codePages() {
        return codePages;
    }

    /**
     * The host-physical address of {@code linear} when the fetch TLB holds its page for an access
     * at the given privilege, else -1. No walk, no side effects: the bytes an instruction was
     * fetched from, for decode assists, without walking the guest's and the nested tables again.
     */
    public long fetchedHostAddress(long linear, boolean user) {
        int i = (int) (linear >>> 12) & MASK;
        if (fetchTag[i] != tag(linear, user)) {
            return -1;
        }
        return ((long) fetchHostPage[i] << 12) | (linear & 0xFFF);
    }

    /**
     * Translates without side effects on exits: used by {@code X86Core.readLinear}. Returns the
     * host-physical address, or -1 when the page is not mapped or translation would exit.
     */
    public long peekTranslate(long linear) {
        return walker.peek(linear);
    }

    /**
     * The guest-physical address of {@code linear} for a read or a write at the current privilege,
     * through the guest's paging only; -1 when that access would fault.
     */
    public long peekGuestPhysical(long linear, boolean write) {
        return walker.peekGuestPhysical(linear, write ? WRITE : READ);
    }

    /** Throws the core's exit signal; kept here so callers need not know the type. */
    static RuntimeException exit() {
        return ExitSignal.INSTANCE;
    }
}
