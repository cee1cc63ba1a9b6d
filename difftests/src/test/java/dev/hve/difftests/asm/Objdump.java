package dev.hve.difftests.asm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs binutils' objdump on raw bytes and returns what it decoded: address, length and mnemonic per instruction. */
public final class Objdump {

    /** One decoded instruction as objdump printed it. */
    public record Decoded(long address, int length, String mnemonic, String text) {
    }

    private static final Pattern LINE = Pattern.compile("^\\s*([0-9a-f]+):\\t([0-9a-f ]+?)\\s*\\t(.*)$");
    private static final List<String> PREFIXES = List.of("rep", "repz", "repe", "repnz", "repne", "lock", "data16", "addr32", "addr16", "data32", "rex", "rex.W");

    private Objdump() {
    }

    /** True when objdump can be run at all. */
    public static boolean available() {
        try {
            Process p = new ProcessBuilder("objdump", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public static List<Decoded> decode(byte[] code, Mode mode, long origin, Path scratch) throws IOException, InterruptedException {
        Path file = scratch.resolve("code.bin");
        Files.write(file, code);
        List<String> command = List.of("objdump", "-D", "-b", "binary", "-m", mode.objdumpMachine(), "-M", mode.objdumpOptions(),
            "--insn-width=16", "--adjust-vma=0x" + Long.toHexString(origin), file.toString());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("objdump failed: " + output);
        }
        List<Decoded> decoded = new ArrayList<>();
        for (String line : output.split("\n")) {
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            long address = Long.parseLong(m.group(1), 16);
            int length = m.group(2).trim().split(" ").length;
            String text = m.group(3).trim();
            decoded.add(new Decoded(address, length, mnemonic(text), text));
        }
        return decoded;
    }

    /** The mnemonic with any prefix words objdump prints before it ("rep ins"). */
    static String mnemonic(String text) {
        String[] words = text.split("\\s+");
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < words.length - 1 && PREFIXES.contains(words[i])) {
            sb.append(words[i++]).append(' ');
        }
        return sb.append(words[i]).toString();
    }
}
