package dev.hve.svm.vmcb;

import dev.hve.emulator.memory.HostMemory;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * One VMCB: a 4 KiB page of modeled host memory at a host-physical address. All state lives in
 * that page; this class only computes addresses, so what a test or a dump reads at an offset is
 * exactly what the backend wrote there.
 */
public final class Vmcb {

    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final HostMemory memory;
    private final long base;
    /**
     * The host-memory chunk holding the page and the page's offset in it: a 4 KiB-aligned page
     * never straddles a chunk, so every field access is one array access (the VMCB is read and
     * written on every VMRUN and #VMEXIT).
     */
    private final byte[] page;
    private final int pageOffset;

    public Vmcb(HostMemory memory, long base) {
        if ((base & (VmcbLayout.SIZE - 1)) != 0) {
            throw new IllegalArgumentException("VMCB must be 4 KiB aligned: " + Long.toHexString(base));
        }
        this.memory = memory;
        this.base = base;
        this.page = memory.chunk(base);
        this.pageOffset = HostMemory.offset(base);
        if (!memory.contains(base, VmcbLayout.SIZE)) {
            throw new IllegalArgumentException("VMCB page outside modeled host memory: " + Long.toHexString(base));
        }
    }

    /** The VMCB's host-physical address (what VMRUN takes in rAX). */
    public long address() {
        return base;
    }

    public HostMemory memory() {
        return memory;
    }

    public long read64(int offset) {
        return (long) LONG.get(page, pageOffset + check(offset, 8));
    }

    public void write64(int offset, long value) {
        LONG.set(page, pageOffset + check(offset, 8), value);
    }

    public int read32(int offset) {
        return (int) INT.get(page, pageOffset + check(offset, 4));
    }

    public void write32(int offset, int value) {
        INT.set(page, pageOffset + check(offset, 4), value);
    }

    public int read16(int offset) {
        return (short) SHORT.get(page, pageOffset + check(offset, 2)) & 0xFFFF;
    }

    public void write16(int offset, int value) {
        SHORT.set(page, pageOffset + check(offset, 2), (short) value);
    }

    public int read8(int offset) {
        return page[pageOffset + check(offset, 1)] & 0xFF;
    }

    public void write8(int offset, int value) {
        page[pageOffset + check(offset, 1)] = (byte) value;
    }

    private static int check(int offset, int size) {
        if (offset < 0 || offset > VmcbLayout.SIZE - size) {
            throw new IndexOutOfBoundsException("VMCB offset 0x" + Integer.toHexString(offset));
        }
        return offset;
    }

    public boolean bit(int offset, int bit) {
        return (read64(offset) >>> bit & 1) != 0;
    }

    public void setBit(int offset, int bit, boolean value) {
        long word = read64(offset);
        write64(offset, value ? word | (1L << bit) : word & ~(1L << bit));
    }

    /** Reads a catalogued field, extracting its bit range. */
    public long read(VmcbField field) {
        if (field.width() > 8) {
            throw new IllegalArgumentException(field + " is a byte array");
        }
        long container = memory.read(base + field.offset(), field.width());
        if (field.wholeContainer()) {
            return container;
        }
        return (container >>> field.bitShift()) & ((1L << field.bitCount()) - 1);
    }

    /** Writes a catalogued field, leaving the other bits of its container unchanged. */
    public void write(VmcbField field, long value) {
        if (field.width() > 8) {
            throw new IllegalArgumentException(field + " is a byte array");
        }
        if (field.wholeContainer()) {
            memory.write(base + field.offset(), field.width(), value);
            return;
        }
        long mask = ((1L << field.bitCount()) - 1) << field.bitShift();
        long container = memory.read(base + field.offset(), field.width());
        memory.write(base + field.offset(), field.width(), (container & ~mask) | ((value << field.bitShift()) & mask));
    }

    /**
     * Copies {@code length} bytes from the page at {@code offset}, byte by byte: the only byte
     * runs in a VMCB are the 15 decode-assist bytes, too short to pay for an arraycopy stub.
     */
    public void readBytes(int offset, byte[] destination, int length) {
        int from = pageOffset + checkRange(offset, length);
        for (int i = 0; i < length; i++) {
            destination[i] = page[from + i];
        }
    }

    public void writeBytes(int offset, byte[] source, int length) {
        int to = pageOffset + checkRange(offset, length);
        for (int i = 0; i < length; i++) {
            page[to + i] = source[i];
        }
    }

    private static int checkRange(int offset, int length) {
        if (length < 0 || offset < 0 || offset > VmcbLayout.SIZE - length) {
            throw new IndexOutOfBoundsException("VMCB bytes 0x" + Integer.toHexString(offset) + "+" + length);
        }
        return offset;
    }

    /** Zeroes the whole page. */
    public void clear() {
        memory.clear(base, VmcbLayout.SIZE);
    }

    // ---- Segment slots of the save area ----

    public int segmentSelector(int slot) {
        return read16(slot + VmcbLayout.SEGMENT_SELECTOR);
    }

    public int segmentAttrib(int slot) {
        return read16(slot + VmcbLayout.SEGMENT_ATTRIB);
    }

    public int segmentLimit(int slot) {
        return read32(slot + VmcbLayout.SEGMENT_LIMIT);
    }

    public long segmentBase(int slot) {
        return read64(slot + VmcbLayout.SEGMENT_BASE);
    }

    /**
     * The first eight bytes of a segment slot in one access: selector in bits 15:0, attrib in
     * 31:16, limit in 63:32 (Table B-2 puts the three words side by side, little-endian). The
     * world switch moves every segment on each VMRUN and #VMEXIT; one 64-bit access instead of
     * three narrow ones is the same bytes at a third of the cost.
     */
    public long segmentWord(int slot) {
        return read64(slot + VmcbLayout.SEGMENT_SELECTOR);
    }

    /** Writes the word {@link #segmentWord} reads. */
    public void setSegmentWord(int slot, long word) {
        write64(slot + VmcbLayout.SEGMENT_SELECTOR, word);
    }

    /** Packs selector, attrib and limit as {@link #segmentWord} holds them. */
    public static long packSegmentWord(int selector, int attrib, int limit) {
        return (selector & 0xFFFFL) | (attrib & 0xFFFFL) << 16 | (limit & 0xFFFF_FFFFL) << 32;
    }

    public void setSegment(int slot, int selector, int attrib, int limit, long segmentBase) {
        write16(slot + VmcbLayout.SEGMENT_SELECTOR, selector);
        write16(slot + VmcbLayout.SEGMENT_ATTRIB, attrib);
        write32(slot + VmcbLayout.SEGMENT_LIMIT, limit);
        write64(slot + VmcbLayout.SEGMENT_BASE, segmentBase);
    }
}
