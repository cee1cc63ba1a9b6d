package dev.hve.platform.boot;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Builds a minimal ELF64 x86-64 image with one PT_LOAD and, optionally, a Xen PHYS32_ENTRY note. */
final class Elf64Builder {

    static byte[] build(long loadAddress, byte[] code, Long pvhEntry) {
        int phnum = pvhEntry == null ? 1 : 2;
        int noteOffset = 0x100;
        int codeOffset = 0x1000;
        byte[] file = new byte[codeOffset + code.length];
        ByteBuffer f = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        f.put(0, (byte) 0x7F).put(1, (byte) 'E').put(2, (byte) 'L').put(3, (byte) 'F');
        f.put(4, (byte) 2).put(5, (byte) 1).put(6, (byte) 1);
        f.putShort(16, (short) 2);
        f.putShort(18, (short) 62);
        f.putInt(20, 1);
        f.putLong(24, loadAddress);
        f.putLong(32, 64);
        f.putShort(52, (short) 64);
        f.putShort(54, (short) 56);
        f.putShort(56, (short) phnum);
        int ph = 64;
        f.putInt(ph, 1);
        f.putInt(ph + 4, 5);
        f.putLong(ph + 8, codeOffset);
        f.putLong(ph + 16, loadAddress);
        f.putLong(ph + 24, loadAddress);
        f.putLong(ph + 32, code.length);
        f.putLong(ph + 40, code.length);
        if (pvhEntry != null) {
            ph += 56;
            f.putInt(ph, 4); // PT_NOTE
            f.putLong(ph + 8, noteOffset);
            f.putLong(ph + 32, 12 + 4 + 8);
            f.putInt(noteOffset, 4); // namesz "Xen\0"
            f.putInt(noteOffset + 4, 8);
            f.putInt(noteOffset + 8, 18);
            f.put(noteOffset + 12, (byte) 'X').put(noteOffset + 13, (byte) 'e').put(noteOffset + 14, (byte) 'n');
            f.putLong(noteOffset + 16, pvhEntry);
        }
        System.arraycopy(code, 0, file, codeOffset, code.length);
        return file;
    }

    private Elf64Builder() {
    }
}
