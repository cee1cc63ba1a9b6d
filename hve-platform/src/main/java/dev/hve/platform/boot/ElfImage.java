package dev.hve.platform.boot;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of an ELF file a boot loader needs: class, machine, entry point and the PT_LOAD
 * program headers (System V ABI, "Program Header"). Every offset and size is checked against the
 * file so a truncated or malformed image gives a clear {@link BootException}.
 */
public final class ElfImage {

    public static final int ELFCLASS32 = 1;
    public static final int ELFCLASS64 = 2;
    public static final int EM_386 = 3;
    public static final int EM_X86_64 = 62;
    public static final int PT_LOAD = 1;
    public static final int PT_NOTE = 4;

    /** One program header. */
    public record Segment(int type, long fileOffset, long physicalAddress, long virtualAddress,
                          long fileSize, long memorySize) {
    }

    private final String name;
    private final byte[] bytes;
    private final int elfClass;
    private final int machine;
    private final long entry;
    private final List<Segment> segments;

    private ElfImage(String name, byte[] bytes, int elfClass, int machine, long entry, List<Segment> segments) {
        this.name = name;
        this.bytes = bytes;
        this.elfClass = elfClass;
        this.machine = machine;
        this.entry = entry;
        this.segments = List.copyOf(segments);
    }

    public static boolean looksLikeElf(byte[] bytes) {
        return bytes.length >= 4 && bytes[0] == 0x7F && bytes[1] == 'E' && bytes[2] == 'L' && bytes[3] == 'F';
    }

    public static ElfImage parse(String name, byte[] bytes) throws BootException {
        if (!looksLikeElf(bytes)) {
            throw new BootException(name + ": not an ELF file (no \\x7fELF magic)");
        }
        if (bytes.length < 52) {
            throw new BootException(name + ": truncated ELF header (" + bytes.length + " bytes)");
        }
        int elfClass = bytes[4];
        if (elfClass != ELFCLASS32 && elfClass != ELFCLASS64) {
            throw new BootException(name + ": unknown ELF class " + elfClass);
        }
        if (bytes[5] != 1) {
            throw new BootException(name + ": not a little-endian ELF file");
        }
        boolean is64 = elfClass == ELFCLASS64;
        if (is64 && bytes.length < 64) {
            throw new BootException(name + ": truncated ELF64 header (" + bytes.length + " bytes)");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int machine = in.getShort(18) & 0xFFFF;
        if (machine != EM_386 && machine != EM_X86_64) {
            throw new BootException(name + ": ELF machine " + machine + " is not x86 (3) or x86-64 (62)");
        }
        long entry = is64 ? in.getLong(24) : in.getInt(24) & 0xFFFF_FFFFL;
        long phoff = is64 ? in.getLong(32) : in.getInt(28) & 0xFFFF_FFFFL;
        int phentsize = in.getShort(is64 ? 54 : 42) & 0xFFFF;
        int phnum = in.getShort(is64 ? 56 : 44) & 0xFFFF;
        int minimum = is64 ? 56 : 32;
        if (phnum == 0) {
            throw new BootException(name + ": ELF file has no program headers");
        }
        if (phentsize < minimum) {
            throw new BootException(name + ": program header size " + phentsize + " is below " + minimum);
        }
        if (phoff < 0 || phoff + (long) phnum * phentsize > bytes.length) {
            throw new BootException(String.format("%s: truncated: program headers at 0x%x (%d x %d bytes) run past the "
                + "end of the %d-byte file", name, phoff, phnum, phentsize, bytes.length));
        }
        List<Segment> segments = new ArrayList<>();
        for (int i = 0; i < phnum; i++) {
            int at = (int) (phoff + (long) i * phentsize);
            Segment segment = is64
                ? new Segment(in.getInt(at), in.getLong(at + 8), in.getLong(at + 24), in.getLong(at + 16),
                    in.getLong(at + 32), in.getLong(at + 40))
                : new Segment(in.getInt(at), u32(in, at + 4), u32(in, at + 12), u32(in, at + 8),
                    u32(in, at + 16), u32(in, at + 20));
            if (segment.type() == PT_LOAD || segment.type() == PT_NOTE) {
                if (segment.fileOffset() < 0 || segment.fileSize() < 0
                    || segment.fileOffset() + segment.fileSize() > bytes.length) {
                    throw new BootException(String.format(
                        "%s: truncated: segment %d needs file bytes 0x%x-0x%x but the file has %d bytes", name, i,
                        segment.fileOffset(), segment.fileOffset() + segment.fileSize(), bytes.length));
                }
                if (segment.type() == PT_LOAD && Long.compareUnsigned(segment.memorySize(), segment.fileSize()) < 0) {
                    throw new BootException(String.format("%s: segment %d has memory size 0x%x below its file size 0x%x",
                        name, i, segment.memorySize(), segment.fileSize()));
                }
            }
            segments.add(segment);
        }
        return new ElfImage(name, bytes, elfClass, machine, entry, segments);
    }

    private static long u32(ByteBuffer in, int at) {
        return in.getInt(at) & 0xFFFF_FFFFL;
    }

    public String name() {
        return name;
    }

    public byte[] bytes() {
        return bytes;
    }

    public boolean is64() {
        return elfClass == ELFCLASS64;
    }

    public int machine() {
        return machine;
    }

    public long entry() {
        return entry;
    }

    public List<Segment> segments() {
        return segments;
    }

    public List<Segment> loadSegments() {
        return segments.stream().filter(s -> s.type() == PT_LOAD && s.memorySize() > 0).toList();
    }
}
