package dev.hve.emulator.memory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Modeled host-physical memory: where guest RAM, nested page tables (EPT/NPT) and the backends'
 * control structures (VMCB, IOPM, MSRPM) live, at host-physical addresses. It grows in 1 MiB
 * chunks so that it can exceed a Java array's size; a 4 KiB page never straddles a chunk, which
 * lets a TLB cache a (chunk, offset) pair per page.
 *
 * <p>A chunk's array is created when the chunk is first touched, as a host kernel backs a
 * hypervisor's anonymous guest-RAM mapping page by page on first touch: a 128 MiB guest that
 * uses 2 MiB costs 2 MiB, and start-up does not zero (and the garbage collector does not copy)
 * memory the guest never reads. Not thread-safe: one thread runs the machine.
 */
public final class HostMemory {

    public static final int CHUNK_SHIFT = 20;
    public static final int CHUNK_SIZE = 1 << CHUNK_SHIFT;
    private static final int CHUNK_MASK = CHUNK_SIZE - 1;
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private byte[][] chunks = new byte[0][];
    private long next;
    private final CodePages codePages = new CodePages();

    /**
     * The code-page stamps of this memory. Every write through this class reports to it; code that
     * writes into a {@link #chunk} array directly must report its writes itself.
     */
    public CodePages codePages() {
        return codePages;
    }

    /**
     * Reserves {@code size} bytes aligned to {@code alignment} (a power of two) and returns the
     * host-physical address. New memory reads as zero.
     */
    public long allocate(long size, long alignment) {
        if (size <= 0 || Long.bitCount(alignment) != 1) {
            throw new IllegalArgumentException("bad allocation " + size + " aligned " + alignment);
        }
        long start = (next + alignment - 1) & -alignment;
        long end = start + size;
        int needed = (int) ((end + CHUNK_MASK) >>> CHUNK_SHIFT);
        if (needed > chunks.length) {
            chunks = Arrays.copyOf(chunks, needed); // the new chunks are created on first touch
        }
        next = end;
        codePages.grow(end);
        return start;
    }

    /** One past the highest allocated host-physical address. */
    public long size() {
        return next;
    }

    public boolean contains(long hpa, int length) {
        return hpa >= 0 && length >= 0 && hpa + length <= next;
    }

    /** The chunk array holding {@code hpa}; together with {@link #offset(long)} a fast access path. */
    public byte[] chunk(long hpa) {
        check(hpa, 1);
        byte[] c = chunks[(int) (hpa >>> CHUNK_SHIFT)];
        return c != null ? c : touch((int) (hpa >>> CHUNK_SHIFT));
    }

    /** Creates chunk {@code index} (zeroes) on its first touch. */
    private byte[] touch(int index) {
        byte[] c = new byte[CHUNK_SIZE];
        chunks[index] = c;
        return c;
    }

    /** Bytes of chunks created so far: the memory actually backing the allocations. */
    public long touchedBytes() {
        long n = 0;
        for (byte[] c : chunks) {
            if (c != null) {
                n += CHUNK_SIZE;
            }
        }
        return n;
    }

    public static int offset(long hpa) {
        return (int) (hpa & CHUNK_MASK);
    }

    public int read8(long hpa) {
        return chunk(hpa)[offset(hpa)] & 0xFF;
    }

    public int read16(long hpa) {
        if (crossesChunk(hpa, 2)) {
            return (int) readSlow(hpa, 2);
        }
        return (short) SHORT.get(chunk(hpa), offset(hpa)) & 0xFFFF;
    }

    public int read32(long hpa) {
        if (crossesChunk(hpa, 4)) {
            return (int) readSlow(hpa, 4);
        }
        return (int) INT.get(chunk(hpa), offset(hpa));
    }

    public long read64(long hpa) {
        if (crossesChunk(hpa, 8)) {
            return readSlow(hpa, 8);
        }
        return (long) LONG.get(chunk(hpa), offset(hpa));
    }

    /**
     * Reads {@code size} (1, 2, 4 or 8) bytes at {@code chunk[index]}, little-endian,
     * zero-extended: for callers that hold a chunk array (the core's TLB, compiled code) and have
     * already checked that the access stays inside it. Writes through such an array bypass
     * {@link CodePages}; the caller reports them.
     */
    public static long load(byte[] chunk, int index, int size) {
        switch (size) {
            case 1: return chunk[index] & 0xFF;
            case 2: return (short) SHORT.get(chunk, index) & 0xFFFF;
            case 4: return (int) INT.get(chunk, index) & 0xFFFF_FFFFL;
            default: return (long) LONG.get(chunk, index);
        }
    }

    /** Writes the low {@code size} bytes of {@code value} at {@code chunk[index]}, as {@link #load} reads them. */
    public static void store(byte[] chunk, int index, int size, long value) {
        switch (size) {
            case 1: chunk[index] = (byte) value; break;
            case 2: SHORT.set(chunk, index, (short) value); break;
            case 4: INT.set(chunk, index, (int) value); break;
            default: LONG.set(chunk, index, value);
        }
    }

    /** Reads a little-endian value of 1, 2, 4 or 8 bytes, zero-extended. */
    public long read(long hpa, int size) {
        return switch (size) {
            case 1 -> read8(hpa);
            case 2 -> read16(hpa);
            case 4 -> read32(hpa) & 0xFFFF_FFFFL;
            case 8 -> read64(hpa);
            default -> throw new IllegalArgumentException("size " + size);
        };
    }

    public void write8(long hpa, int value) {
        chunk(hpa)[offset(hpa)] = (byte) value;
        codePages.written((int) (hpa >>> 12));
    }

    public void write16(long hpa, int value) {
        if (crossesChunk(hpa, 2)) {
            writeSlow(hpa, 2, value);
        } else {
            SHORT.set(chunk(hpa), offset(hpa), (short) value);
        }
        codePages.written(hpa, 2);
    }

    public void write32(long hpa, int value) {
        if (crossesChunk(hpa, 4)) {
            writeSlow(hpa, 4, value);
        } else {
            INT.set(chunk(hpa), offset(hpa), value);
        }
        codePages.written(hpa, 4);
    }

    public void write64(long hpa, long value) {
        if (crossesChunk(hpa, 8)) {
            writeSlow(hpa, 8, value);
        } else {
            LONG.set(chunk(hpa), offset(hpa), value);
        }
        codePages.written(hpa, 8);
    }

    /** Writes the low {@code size} bytes of {@code value}, little-endian. */
    public void write(long hpa, int size, long value) {
        switch (size) {
            case 1 -> write8(hpa, (int) value);
            case 2 -> write16(hpa, (int) value);
            case 4 -> write32(hpa, (int) value);
            case 8 -> write64(hpa, value);
            default -> throw new IllegalArgumentException("size " + size);
        }
    }

    public void readBytes(long hpa, byte[] destination, int offset, int length) {
        check(hpa, length);
        while (length > 0) {
            int inChunk = Math.min(length, CHUNK_SIZE - offset(hpa));
            byte[] c = chunks[(int) (hpa >>> CHUNK_SHIFT)];
            if (c == null) {
                Arrays.fill(destination, offset, offset + inChunk, (byte) 0); // untouched: zeroes
            } else {
                System.arraycopy(c, offset(hpa), destination, offset, inChunk);
            }
            hpa += inChunk;
            offset += inChunk;
            length -= inChunk;
        }
    }

    public void writeBytes(long hpa, byte[] source, int offset, int length) {
        check(hpa, length);
        codePages.written(hpa, length);
        while (length > 0) {
            int inChunk = Math.min(length, CHUNK_SIZE - offset(hpa));
            System.arraycopy(source, offset, chunk(hpa), offset(hpa), inChunk);
            hpa += inChunk;
            offset += inChunk;
            length -= inChunk;
        }
    }

    /** Zeroes {@code length} bytes at {@code hpa}. */
    public void clear(long hpa, long length) {
        check(hpa, (int) Math.min(length, Integer.MAX_VALUE));
        codePages.written(hpa, length);
        long end = hpa + length;
        while (hpa < end) {
            int inChunk = (int) Math.min(end - hpa, CHUNK_SIZE - offset(hpa));
            byte[] c = chunks[(int) (hpa >>> CHUNK_SHIFT)];
            if (c != null) { // an untouched chunk is zeroes already
                Arrays.fill(c, offset(hpa), offset(hpa) + inChunk, (byte) 0);
            }
            hpa += inChunk;
        }
    }

    private static boolean crossesChunk(long hpa, int size) {
        return offset(hpa) > CHUNK_SIZE - size;
    }

    private long readSlow(long hpa, int size) {
        long value = 0;
        for (int i = size - 1; i >= 0; i--) {
            value = (value << 8) | read8(hpa + i);
        }
        return value;
    }

    private void writeSlow(long hpa, int size, long value) {
        for (int i = 0; i < size; i++) {
            write8(hpa + i, (int) (value >>> (8 * i)));
        }
    }

    private void check(long hpa, int length) {
        if (!contains(hpa, length)) {
            throw new IllegalArgumentException(String.format(
                "host-physical access 0x%x+%d outside modeled host memory (0x%x bytes)", hpa, length, next));
        }
    }
}
