package dev.hve.cli;

import dev.hve.cli.config.ExitStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One test per malformed-image class: each must give one clear line naming the file and the
 * address involved, and exit status 2, never a stack trace.
 */
class MalformedImageTest {

    /** debug-exit with 0x21: mov $0x21,%al; out %al,$0xf4. */
    private static final byte[] EXIT_33 = {(byte) 0xB0, 0x21, (byte) 0xE6, (byte) 0xF4};

    @TempDir
    Path temp;

    private RunnerHarness.Result run(String name, byte[] image, String... extra) throws IOException {
        Path file = temp.resolve(name);
        Files.write(file, image);
        String[] args = new String[3 + extra.length];
        args[0] = "run";
        args[1] = "-q";
        System.arraycopy(extra, 0, args, 2, extra.length);
        args[args.length - 1] = file.toString();
        return RunnerHarness.run(args);
    }

    private static void assertRefused(RunnerHarness.Result result, String... expected) {
        assertEquals(ExitStatus.USAGE, result.status(), result.err());
        String err = result.err().strip();
        assertFalse(err.contains("\n"), "one line: " + err);
        assertFalse(err.contains("Exception"), "no stack trace: " + err);
        for (String part : expected) {
            assertTrue(err.contains(part), "'" + part + "' in: " + err);
        }
    }

    @Test
    void aWellFormedImageRunsSoTheBuilderItselfIsSound() throws IOException {
        RunnerHarness.Result result = run("good.elf", new TestElf(EXIT_33).build());
        assertEquals((0x21 << 1) | 1, result.status(), result.err());
    }

    @Test
    void noMultibootHeader() throws IOException {
        assertRefused(run("plain.elf", new TestElf(EXIT_33).withoutMultibootHeader().build()),
            "plain.elf", "neither a multiboot header nor a PVH entry note");
    }

    @Test
    void truncatedImage() throws IOException {
        assertRefused(run("short.elf", new TestElf(EXIT_33).truncatedTo(0x1004).build()), "short.elf", "truncated");
    }

    @Test
    void truncatedHeader() throws IOException {
        assertRefused(run("stub.elf", new TestElf(EXIT_33).truncatedTo(20).build()), "stub.elf");
    }

    @Test
    void segmentOutsideRam() throws IOException {
        assertRefused(run("high.elf", new TestElf(EXIT_33).at(0x4000_0000L).build(), "--memory", "64M"),
            "high.elf", "0x40000000", "outside guest RAM");
    }

    @Test
    void imageOverlappingDeviceMemory() throws IOException {
        assertRefused(run("apic.elf", new TestElf(EXIT_33).at(0xFEE0_0000L).build()), "apic.elf", "0xfee00000",
            "overlaps device memory", "local APIC");
    }

    @Test
    void tooLittleMemory() throws IOException {
        assertRefused(run("big.elf", new TestElf(EXIT_33).memorySize(64L << 20).build(), "--memory", "16M"),
            "big.elf", "too little memory", "--memory 65M");
    }

    @Test
    void unsupportedMultibootRequirement() throws IOException {
        assertRefused(run("video.elf", new TestElf(EXIT_33).multibootFlags(1 << 2).build()), "video.elf",
            "video mode");
    }

    @Test
    void entryPointOutsideTheImage() throws IOException {
        assertRefused(run("lost.elf", new TestElf(EXIT_33).entryAt(0x10_0000).build()), "lost.elf",
            "entry point 0x200000");
    }

    @Test
    void emptyFile() throws IOException {
        assertRefused(run("empty.elf", new byte[0]), "empty.elf", "empty");
    }
}
