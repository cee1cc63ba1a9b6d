package dev.hve.emulator;

import dev.hve.emulator.oracle.NativeTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/** Builds the guest programs under {@code guests/} from source with GNU as/ld at test time. */
public final class GuestImages {

    private GuestImages() {
    }

    /** Assembles GNU-as source text (Intel syntax is up to the text) linked at {@code base}. */
    public static byte[] assemble(String text, long base) throws Exception {
        Path dir = NativeTools.workDirectory();
        Path src = Files.createTempFile(dir, "snippet", ".S");
        Files.writeString(src, text);
        try {
            return buildFile(src, base, "_start");
        } finally {
            Files.deleteIfExists(src);
        }
    }

    /**
     * Builds a guest with its own {@code build.sh} (guests/NAME/build.sh OUT.elf) and loads the
     * ELF32 program headers into {@code memory}; returns the entry point.
     */
    public static long buildAndLoad(String name, dev.hve.emulator.memory.HostMemory memory) throws Exception {
        Path script = Paths.get("..", "guests", name, "build.sh").toAbsolutePath().normalize();
        Path elf = NativeTools.workDirectory().resolve(name + ".elf");
        NativeTools.run(List.of("bash", script.toString(), elf.toString()), null, 120);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(Files.readAllBytes(elf)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        if (b.getInt(0) != 0x464C457F || b.get(4) != 1) {
            throw new IllegalStateException(elf + " is not ELF32");
        }
        long entry = b.getInt(24) & 0xFFFF_FFFFL;
        int phoff = b.getInt(28);
        int phentsize = b.getShort(42) & 0xFFFF;
        int phnum = b.getShort(44) & 0xFFFF;
        for (int i = 0; i < phnum; i++) {
            int ph = phoff + i * phentsize;
            if (b.getInt(ph) != 1) {
                continue; // PT_LOAD only
            }
            int offset = b.getInt(ph + 4);
            long paddr = b.getInt(ph + 12) & 0xFFFF_FFFFL;
            int filesz = b.getInt(ph + 16);
            memory.writeBytes(paddr, b.array(), offset, filesz);
        }
        return entry;
    }

    private static byte[] buildFile(Path src, long base, String entry) throws Exception {
        String as = NativeTools.require("as");
        String ld = NativeTools.require("ld");
        String objcopy = NativeTools.require("objcopy");
        Path dir = NativeTools.workDirectory();
        String name = src.getFileName().toString().replace(".S", "");
        Path obj = dir.resolve(name + ".o");
        Path elf = dir.resolve(name + ".elf");
        Path bin = dir.resolve(name + ".bin");
        NativeTools.run(List.of(as, "--64", "-o", obj.toString(), src.toString()), null, 60);
        NativeTools.run(List.of(ld, "-m", "elf_x86_64", "-Ttext=0x" + Long.toHexString(base), "-e", entry, "-o",
            elf.toString(), obj.toString()), null, 60);
        NativeTools.run(List.of(objcopy, "-O", "binary", elf.toString(), bin.toString()), null, 60);
        return Files.readAllBytes(bin);
    }
}
