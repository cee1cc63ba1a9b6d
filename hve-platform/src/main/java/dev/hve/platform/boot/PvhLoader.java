package dev.hve.platform.boot;

import dev.hve.api.GuestMemory;
import dev.hve.api.MemoryMap;
import dev.hve.api.Register;
import dev.hve.api.Vcpu;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalLong;

/**
 * Boots an ELF kernel through the PVH ABI (Xen's {@code arch-x86/hvm/start_info.h}, which Linux
 * implements with {@code CONFIG_PVH}): the image carries a {@code XEN_ELFNOTE_PHYS32_ENTRY} note;
 * the loader places its segments at their physical addresses, builds an {@code hvm_start_info}
 * structure (version 1, with a memory map, the command line and the modules, an initrd being the
 * first module) and enters at the note's address in 32-bit protected mode with paging off,
 * interrupts off and EBX pointing at the structure.
 */
public final class PvhLoader {

    /** XEN_ELFNOTE_PHYS32_ENTRY, in the "Xen" note namespace. */
    static final int XEN_ELFNOTE_PHYS32_ENTRY = 18;
    /** "xEn3" with the 0x80 bit of the E set. */
    static final int XEN_HVM_START_MAGIC_VALUE = 0x336ec578;
    private static final int START_INFO_VERSION = 1;
    private static final int START_INFO_SIZE = 56;
    private static final int MODLIST_ENTRY_SIZE = 32;
    private static final int MEMMAP_ENTRY_SIZE = 24;
    private static final int MEMMAP_TYPE_RAM = 1;
    private static final int MEMMAP_TYPE_RESERVED = 2;

    /** The structure and its tables live in conventional memory, clear of any kernel. */
    static final long START_INFO_ADDRESS = 0x6000;
    private static final long AREA_END = 0x9000;

    /** The PVH entry point of {@code elf}, if it has one. */
    public static OptionalLong entryOf(ElfImage elf) throws BootException {
        return ElfNotes.numeric(elf, "Xen", XEN_ELFNOTE_PHYS32_ENTRY);
    }

    public LoadedGuest load(ElfImage elf, String commandLine, List<BootModule> modules, GuestMemory memory,
                            GuestPhysicalLayout layout, Vcpu bootCpu) throws BootException {
        long entry = entryOf(elf).orElseThrow(() -> new BootException(elf.name()
            + ": no XEN_ELFNOTE_PHYS32_ENTRY note, so the image does not support PVH boot"));
        long[] placed = ElfSegmentLoader.load(elf, memory, layout);
        if (entry < placed[0] || entry >= placed[1]) {
            throw new BootException(String.format("%s: PVH entry 0x%x is outside the loaded image 0x%x-0x%x",
                elf.name(), entry, placed[0], placed[1] - 1));
        }
        if (placed[0] < AREA_END) {
            throw new BootException(String.format("%s: a segment at 0x%x overlaps the PVH start-info area below 0x%x",
                elf.name(), placed[0], AREA_END));
        }
        long next = START_INFO_ADDRESS + START_INFO_SIZE;
        memory.write(START_INFO_ADDRESS, new byte[START_INFO_SIZE], 0, START_INFO_SIZE);
        memory.writeValue(START_INFO_ADDRESS, 4, XEN_HVM_START_MAGIC_VALUE);
        memory.writeValue(START_INFO_ADDRESS + 4, 4, START_INFO_VERSION);

        long[] area = {next};
        if (commandLine != null) {
            memory.writeValue(START_INFO_ADDRESS + 24, 8, string(memory, area, commandLine));
        }
        if (!modules.isEmpty()) {
            long modlist = reserve(area, (long) MODLIST_ENTRY_SIZE * modules.size());
            long top = layout.lowRamEnd();
            for (int i = 0; i < modules.size(); i++) {
                BootModule module = modules.get(i);
                // Modules go at the top of low RAM, as boot loaders place an initrd, below one another.
                long address = (top - module.contents().length) & ~0xFFFL;
                if (address < placed[1]) {
                    throw new BootException(String.format("too little memory for %s (%d bytes) above the kernel, which "
                        + "ends at 0x%x", module.name(), module.contents().length, placed[1]));
                }
                layout.checkLoadable("module " + module.name(), address, module.contents().length);
                memory.write(address, module.contents(), 0, module.contents().length);
                long at = modlist + (long) MODLIST_ENTRY_SIZE * i;
                memory.writeValue(at, 8, address);
                memory.writeValue(at + 8, 8, module.contents().length);
                memory.writeValue(at + 16, 8, module.commandLine() == null ? 0
                    : string(memory, area, module.commandLine()));
                memory.writeValue(at + 24, 8, 0);
                top = address;
            }
            memory.writeValue(START_INFO_ADDRESS + 12, 4, modules.size());
            memory.writeValue(START_INFO_ADDRESS + 16, 8, modlist);
        }
        writeMemoryMap(memory, layout, area);

        BootCpuState.protectedMode32(bootCpu, memory, entry);
        bootCpu.setRegister(Register.RBX, START_INFO_ADDRESS);
        return new LoadedGuest("pvh", entry, placed[0], placed[1]);
    }

    private static void writeMemoryMap(GuestMemory memory, GuestPhysicalLayout layout, long[] area)
        throws BootException {
        List<MemoryMap.Region> regions = layout.memoryMap().regions();
        long table = reserve(area, (long) MEMMAP_ENTRY_SIZE * (regions.size() + 1));
        int entries = 0;
        for (MemoryMap.Region region : regions) {
            long base = region.guestPhysical();
            if (base == 0) {
                entry(memory, table, entries++, 0, GuestPhysicalLayout.LEGACY_HOLE_START, MEMMAP_TYPE_RAM);
                entry(memory, table, entries++, GuestPhysicalLayout.LEGACY_HOLE_START,
                    GuestPhysicalLayout.LEGACY_HOLE_END - GuestPhysicalLayout.LEGACY_HOLE_START, MEMMAP_TYPE_RESERVED);
                base = GuestPhysicalLayout.LEGACY_HOLE_END;
            }
            if (region.end() > base) {
                entry(memory, table, entries++, base, region.end() - base, MEMMAP_TYPE_RAM);
            }
        }
        memory.writeValue(START_INFO_ADDRESS + 40, 8, table);
        memory.writeValue(START_INFO_ADDRESS + 48, 4, entries);
    }

    private static void entry(GuestMemory memory, long table, int index, long base, long size, int type) {
        long at = table + (long) MEMMAP_ENTRY_SIZE * index;
        memory.writeValue(at, 8, base);
        memory.writeValue(at + 8, 8, size);
        memory.writeValue(at + 16, 4, type);
        memory.writeValue(at + 20, 4, 0);
    }

    private static long reserve(long[] area, long size) throws BootException {
        long at = (area[0] + 7) & ~7L;
        if (at + size > AREA_END) {
            throw new BootException(String.format("PVH start info (command lines, modules, memory map) does not fit "
                + "in 0x%x-0x%x", START_INFO_ADDRESS, AREA_END));
        }
        area[0] = at + size;
        return at;
    }

    private static long string(GuestMemory memory, long[] area, String text) throws BootException {
        byte[] bytes = (text + "\0").getBytes(StandardCharsets.UTF_8);
        long at = reserve(area, bytes.length);
        memory.write(at, bytes, 0, bytes.length);
        return at;
    }
}
