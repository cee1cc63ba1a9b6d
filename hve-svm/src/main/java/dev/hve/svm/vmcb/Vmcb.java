package dev.hve.svm.vmcb;

import dev.hve.emulator.memory.HostMemory;

/**
 * One VMCB: a 4 KiB page of modeled host memory at a host-physical address. All state lives in
 * that page; this class only computes addresses, so what a test or a dump reads at an offset is
 * exactly what the backend wrote there.
 */
public final class Vmcb {

    private final HostMemory memory;
    private final long base;

    public Vmcb(HostMemory memory, long base) {
        if ((base & (VmcbLayout.SIZE - 1)) != 0) {
            throw new IllegalArgumentException("VMCB must be 4 KiB aligned: " + Long.toHexString(base));
        }
        this.memory = memory;
        this.base = base;
    }

    /** The VMCB's host-physical address (what VMRUN takes in rAX). */
    public long address() {
        return base;
    }

    public HostMemory memory() {
        return memory;
    }

    public long read64(int offset) {
        return memory.read64(base + offset);
    }

    public void write64(int offset, long value) {
        memory.write64(base + offset, value);
    }

    public int read32(int offset) {
        return memory.read32(base + offset);
    }

    public void write32(int offset, int value) {
        memory.write32(base + offset, value);
    }

    public int read16(int offset) {
        return memory.read16(base + offset);
    }

    public void write16(int offset, int value) {
        memory.write16(base + offset, value);
    }

    public int read8(int offset) {
        return memory.read8(base + offset);
    }

    public void write8(int offset, int value) {
        memory.write8(base + offset, value);
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

    public void readBytes(int offset, byte[] destination, int length) {
        memory.readBytes(base + offset, destination, 0, length);
    }

    public void writeBytes(int offset, byte[] source, int length) {
        memory.writeBytes(base + offset, source, 0, length);
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

    public void setSegment(int slot, int selector, int attrib, int limit, long segmentBase) {
        write16(slot + VmcbLayout.SEGMENT_SELECTOR, selector);
        write16(slot + VmcbLayout.SEGMENT_ATTRIB, attrib);
        write32(slot + VmcbLayout.SEGMENT_LIMIT, limit);
        write64(slot + VmcbLayout.SEGMENT_BASE, segmentBase);
    }
}
