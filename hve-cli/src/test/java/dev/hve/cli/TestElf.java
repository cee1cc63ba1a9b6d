package dev.hve.cli;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Builds small ELF32 multiboot images for loader tests: one PT_LOAD segment holding a multiboot
 * header followed by code. Each knob produces one malformed-image class.
 */
final class TestElf {

    private long loadAddress = 0x100000;
    private long memorySize = -1;
    private int multibootFlags;
    private boolean multibootHeader = true;
    private int truncateTo = -1;
    private long entryOffset = 12;
    private final byte[] code;

    TestElf(byte[] code) {
        this.code = code;
    }

    TestElf at(long address) {
        this.loadAddress = address;
        return this;
    }

    TestElf memorySize(long bytes) {
        this.memorySize = bytes;
        return this;
    }

    TestElf multibootFlags(int flags) {
        this.multibootFlags = flags;
        return this;
    }

    TestElf withoutMultibootHeader() {
        this.multibootHeader = false;
        return this;
    }

    TestElf truncatedTo(int bytes) {
        this.truncateTo = bytes;
        return this;
    }

    TestElf entryAt(long offsetFromLoadAddress) {
        this.entryOffset = offsetFromLoadAddress;
        return this;
    }

    byte[] build() {
        int headerSize = 52;
        int phSize = 32;
        int payloadOffset = 0x1000;
        byte[] payload = new byte[12 + code.length];
        ByteBuffer p = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
        if (multibootHeader) {
            p.putInt(0, 0x1BADB002);
            p.putInt(4, multibootFlags);
            p.putInt(8, -(0x1BADB002 + multibootFlags));
        }
        System.arraycopy(code, 0, payload, 12, code.length);
        byte[] file = new byte[payloadOffset + payload.length];
        ByteBuffer f = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        f.put(0, (byte) 0x7F).put(1, (byte) 'E').put(2, (byte) 'L').put(3, (byte) 'F');
        f.put(4, (byte) 1).put(5, (byte) 1).put(6, (byte) 1);
        f.putShort(16, (short) 2); // ET_EXEC
        f.putShort(18, (short) 3); // EM_386
        f.putInt(20, 1);
        f.putInt(24, (int) (loadAddress + entryOffset));
        f.putInt(28, headerSize); // e_phoff
        f.putShort(40, (short) headerSize);
        f.putShort(42, (short) phSize);
        f.putShort(44, (short) 1);
        int ph = headerSize;
        f.putInt(ph, 1); // PT_LOAD
        f.putInt(ph + 4, payloadOffset);
        f.putInt(ph + 8, (int) loadAddress);
        f.putInt(ph + 12, (int) loadAddress);
        f.putInt(ph + 16, payload.length);
        f.putInt(ph + 20, (int) (memorySize < 0 ? payload.length : memorySize));
        f.putInt(ph + 24, 7);
        f.putInt(ph + 28, 0x1000);
        System.arraycopy(payload, 0, file, payloadOffset, payload.length);
        if (truncateTo >= 0) {
            byte[] cut = new byte[truncateTo];
            System.arraycopy(file, 0, cut, 0, truncateTo);
            return cut;
        }
        return file;
    }
}
