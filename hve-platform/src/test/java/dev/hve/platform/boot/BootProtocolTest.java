package dev.hve.platform.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hve.api.Register;
import dev.hve.api.SegmentRegister;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What each boot protocol leaves in guest memory and registers, checked field by field. */
class BootProtocolTest {

    private static final int RAM = 64 << 20;

    private final RamGuestMemory memory = new RamGuestMemory(RAM);
    private final GuestPhysicalLayout layout = GuestPhysicalLayout.pc(RAM);
    private final RecordingVcpu cpu = new RecordingVcpu();

    private static void assertFlat32BitProtectedMode(RecordingVcpu cpu) {
        assertEquals(1, cpu.register(Register.CR0) & 0x8000_0001L, "PE on, PG off");
        assertEquals(0x10, cpu.segment(SegmentRegister.CS).selector());
        assertEquals(0, cpu.segment(SegmentRegister.CS).base());
        assertEquals(0xFFFF_FFFF, cpu.segment(SegmentRegister.CS).limit());
        assertTrue((cpu.segment(SegmentRegister.CS).attributes() & (1 << 14)) != 0, "32-bit code");
        assertEquals(0x18, cpu.segment(SegmentRegister.DS).selector());
        assertEquals(0, cpu.register(Register.RFLAGS) & (1 << 9), "interrupts off");
    }

    @Test
    void pvhBuildsStartInfoVersionOneWithMemoryMapCommandLineAndInitrd() throws BootException {
        byte[] image = Elf64Builder.build(0x200000, new byte[] {(byte) 0xF4}, 0x200000L);
        byte[] initrd = "initrd-bytes".getBytes(StandardCharsets.US_ASCII);
        LoadedGuest loaded = GuestLoader.load("pvh.elf", image, "console=ttyS0", List.of(new BootModule("initrd",
            initrd, null)), memory, layout, cpu);
        assertEquals("pvh", loaded.protocol());
        assertFlat32BitProtectedMode(cpu);
        assertEquals(0x200000, cpu.register(Register.RIP));
        long info = cpu.register(Register.RBX);
        assertEquals(0x336ec578L, memory.readValue(info, 4), "XEN_HVM_START_MAGIC_VALUE");
        assertEquals(1, memory.readValue(info + 4, 4), "version 1: the memory map fields are valid");
        assertEquals("console=ttyS0", memory.string(memory.readValue(info + 24, 8)));
        assertEquals(1, memory.readValue(info + 12, 4), "one module");
        long module = memory.readValue(info + 16, 8);
        long initrdAt = memory.readValue(module, 8);
        assertEquals(initrd.length, memory.readValue(module + 8, 8));
        assertEquals(0, initrdAt & 0xFFF, "page aligned");
        assertTrue(initrdAt + initrd.length <= RAM && initrdAt > 0x200000, "at the top of RAM");
        byte[] back = new byte[initrd.length];
        memory.read(initrdAt, back, 0, back.length);
        assertEquals("initrd-bytes", new String(back, StandardCharsets.US_ASCII));
        long memmap = memory.readValue(info + 40, 8);
        assertEquals(3, memory.readValue(info + 48, 4), "conventional RAM, the legacy hole, RAM above 1 MiB");
        assertEquals(0x100000, memory.readValue(memmap + 48, 8));
        assertEquals(RAM - 0x100000, memory.readValue(memmap + 56, 8));
        assertEquals(1, memory.readValue(memmap + 64, 4), "type RAM");
        assertEquals(2, memory.readValue(memmap + 24 + 16, 4), "the hole is reserved");
    }

    @Test
    void pvhEntryOutsideTheImageIsRefused() {
        byte[] image = Elf64Builder.build(0x200000, new byte[] {(byte) 0xF4}, 0x900000L);
        BootException error = assertThrows(BootException.class,
            () -> GuestLoader.load("bad.elf", image, null, List.of(), memory, layout, cpu));
        assertTrue(error.getMessage().contains("PVH entry 0x900000"), error.getMessage());
    }

    @Test
    void elf64WithoutPvhNoteEntersLongModeWithIdentityPaging() throws BootException {
        byte[] image = Elf64Builder.build(0x200000, new byte[] {(byte) 0xF4}, null);
        LoadedGuest loaded = GuestLoader.load("k64.elf", image, "x", List.of(), memory, layout, cpu);
        assertEquals("elf64", loaded.protocol());
        assertEquals(0x8000_0001L, cpu.register(Register.CR0) & 0x8000_0001L, "PE and PG");
        assertEquals(0x500, cpu.register(Register.EFER) & 0x500, "LME and LMA");
        assertTrue((cpu.segment(SegmentRegister.CS).attributes() & (1 << 13)) != 0, "CS.L");
        long pml4 = cpu.register(Register.CR3);
        long pdpt = memory.readValue(pml4, 8) & ~0xFFFL;
        long pd = memory.readValue(pdpt, 8) & ~0xFFFL;
        assertEquals(0x200000 | 0x83, memory.readValue(pd + 8, 8), "2 MiB page 1 maps 2 MiB, present+writable+PS");
        long info = cpu.register(Register.RDI);
        assertEquals("x", memory.string(memory.readValue(info + 16, 4)), "multiboot-format boot information in RDI");
    }

    /** A bzImage-shaped image: setup header fields the protocol defines, then the kernel. */
    private static byte[] bzImage(int version, int initSize) {
        int setupSectors = 4;
        byte[] image = new byte[(setupSectors + 1) * 512 + 4096];
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0x1F1, (byte) setupSectors);
        b.putShort(0x1FE, (short) 0xAA55);
        b.put(0x201, (byte) 0x6A); // the header extends to 0x26C
        b.putInt(0x202, 0x53726448);
        b.putShort(0x206, (short) version);
        b.put(0x211, (byte) 1); // LOADED_HIGH
        b.putInt(0x22C, 0x37FFFFFF); // initrd_addr_max
        b.putInt(0x238, 2047); // cmdline_size
        b.putInt(0x260, initSize);
        image[(setupSectors + 1) * 512] = (byte) 0xF4;
        return image;
    }

    @Test
    void linuxBootProtocolFillsTheZeroPage() throws BootException {
        byte[] initrd = new byte[8192];
        LoadedGuest loaded = GuestLoader.load("bzImage", bzImage(0x020F, 0x400000), "console=ttyS0 quiet",
            List.of(new BootModule("initrd", initrd, null)), memory, layout, cpu);
        assertEquals("linux-boot-protocol", loaded.protocol());
        assertFlat32BitProtectedMode(cpu);
        assertEquals(0x100000, cpu.register(Register.RIP));
        long params = cpu.register(Register.RSI);
        assertEquals(0xFF, memory.readValue(params + 0x210, 1), "type_of_loader");
        assertEquals(0x53726448L, memory.readValue(params + 0x202, 4), "the setup header was copied");
        assertEquals("console=ttyS0 quiet", memory.string(memory.readValue(params + 0x228, 4)));
        long ramdisk = memory.readValue(params + 0x218, 4);
        assertEquals(initrd.length, memory.readValue(params + 0x21C, 4));
        assertTrue(ramdisk >= 0x100000 + 0x400000, "above the kernel's init_size");
        assertEquals(3, memory.readValue(params + 0x1E8, 1), "three e820 entries");
        assertEquals(0x9FC00, memory.readValue(params + 0x2D0 + 8, 8));
        assertEquals(2, memory.readValue(params + 0x2D0 + 20 + 16, 4), "the hole is reserved");
        assertEquals((byte) 0xF4, (byte) memory.readValue(0x100000, 1), "the protected-mode kernel at 1 MiB");
    }

    @Test
    void anOldBootProtocolIsRefused() {
        BootException error = assertThrows(BootException.class,
            () -> GuestLoader.load("old", bzImage(0x0204, 0), null, List.of(), memory, layout, cpu));
        assertTrue(error.getMessage().contains("2.04"), error.getMessage());
    }

    @Test
    void aCommandLineLongerThanTheKernelAcceptsIsRefused() {
        String tooLong = "x".repeat(3000);
        BootException error = assertThrows(BootException.class,
            () -> GuestLoader.load("bz", bzImage(0x020F, 0), tooLong, List.of(), memory, layout, cpu));
        assertTrue(error.getMessage().contains("at most 2047"), error.getMessage());
    }
}
