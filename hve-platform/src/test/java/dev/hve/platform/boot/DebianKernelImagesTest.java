package dev.hve.platform.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hve.api.Register;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The loaders against Debian's real kernel, when guests/linux/prepare.sh has put it in
 * guest-images/linux (CI prepares it; a developer may not have it).
 */
class DebianKernelImagesTest {

    private static final Path IMAGES = Path.of(System.getProperty("hve.linux.images", "../guest-images/linux"));

    @Test
    void vmlinuxBootsThroughPvhAtItsPhys32EntryNote() throws IOException, BootException {
        Path vmlinux = IMAGES.resolve("vmlinux");
        assumeTrue(Files.isRegularFile(vmlinux), "guest-images/linux/vmlinux is prepared");
        RamGuestMemory memory = new RamGuestMemory(256 << 20);
        RecordingVcpu cpu = new RecordingVcpu();
        byte[] image = Files.readAllBytes(vmlinux);
        LoadedGuest loaded = GuestLoader.load("vmlinux", image, "console=ttyS0", List.of(), memory,
            GuestPhysicalLayout.pc(256 << 20), cpu);
        assertEquals("pvh", loaded.protocol());
        long note = PvhLoader.entryOf(ElfImage.parse("vmlinux", image)).getAsLong();
        assertEquals(note, cpu.register(Register.RIP));
        assertEquals(0x336ec578L, memory.readValue(cpu.register(Register.RBX), 4));
    }

    @Test
    void vmlinuzBootsThroughTheLinuxBootProtocol() throws IOException, BootException {
        Path vmlinuz = IMAGES.resolve("vmlinuz");
        Path initrd = IMAGES.resolve("initramfs.cpio");
        assumeTrue(Files.isRegularFile(vmlinuz) && Files.isRegularFile(initrd), "guest-images/linux is prepared");
        RamGuestMemory memory = new RamGuestMemory(256 << 20);
        RecordingVcpu cpu = new RecordingVcpu();
        LoadedGuest loaded = GuestLoader.load("vmlinuz", Files.readAllBytes(vmlinuz), "console=ttyS0",
            List.of(new BootModule("initramfs", Files.readAllBytes(initrd), null)), memory,
            GuestPhysicalLayout.pc(256 << 20), cpu);
        assertEquals("linux-boot-protocol", loaded.protocol());
        long params = cpu.register(Register.RSI);
        assertEquals(Files.size(initrd), memory.readValue(params + 0x21C, 4));
    }
}
