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

    /** Assembles {@code guests/<relative>} linked at {@code base} into a flat image. */
    public static byte[] build(String relative, long base, String entry) throws Exception {
        Path src = Paths.get("..", "guests", relative).toAbsolutePath().normalize();
        return buildFile(src, base, entry);
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
