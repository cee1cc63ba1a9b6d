package dev.hve.platform.boot;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;

/** Reads ELF notes (System V ABI, "Note Section") from an image's PT_NOTE segments. */
final class ElfNotes {

    private ElfNotes() {
    }

    /**
     * The descriptor of the first note with owner {@code name} and {@code type}, read as a
     * little-endian number of 4 or 8 bytes.
     */
    static OptionalLong numeric(ElfImage elf, String name, int type) throws BootException {
        ByteBuffer in = ByteBuffer.wrap(elf.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        for (ElfImage.Segment segment : elf.segments()) {
            if (segment.type() != ElfImage.PT_NOTE) {
                continue;
            }
            long at = segment.fileOffset();
            long end = at + segment.fileSize();
            while (at + 12 <= end) {
                int nameSize = in.getInt((int) at);
                int descSize = in.getInt((int) at + 4);
                int noteType = in.getInt((int) at + 8);
                long nameAt = at + 12;
                long descAt = nameAt + align4(nameSize);
                long next = descAt + align4(descSize);
                if (nameSize < 0 || descSize < 0 || next > end) {
                    throw new BootException(String.format("%s: malformed ELF note at file offset 0x%x", elf.name(), at));
                }
                String owner = new String(elf.bytes(), (int) nameAt, Math.max(0, nameSize - 1), StandardCharsets.US_ASCII);
                if (owner.equals(name) && noteType == type) {
                    if (descSize == 4) {
                        return OptionalLong.of(in.getInt((int) descAt) & 0xFFFF_FFFFL);
                    }
                    if (descSize == 8) {
                        return OptionalLong.of(in.getLong((int) descAt));
                    }
                    throw new BootException(String.format("%s: note %s/%d has a %d-byte descriptor, not 4 or 8",
                        elf.name(), name, type, descSize));
                }
                at = next;
            }
        }
        return OptionalLong.empty();
    }

    private static long align4(long size) {
        return (size + 3) & ~3L;
    }
}
