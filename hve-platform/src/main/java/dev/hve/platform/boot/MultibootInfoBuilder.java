package dev.hve.platform.boot;

import dev.hve.api.GuestMemory;
import dev.hve.api.MemoryMap;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes the Multiboot 1 information structure (Multiboot Specification 0.6.96 §3.3): memory
 * bounds, command line, modules and a BIOS-style memory map, in conventional memory.
 */
final class MultibootInfoBuilder {

    /** Where the structure and its strings go: conventional memory, below the EBDA. */
    static final long INFO_ADDRESS = 0x9000;
    private static final long INFO_AREA_END = GuestPhysicalLayout.LEGACY_HOLE_START;
    private static final int INFO_SIZE = 88;

    // multiboot_info flags.
    private static final int INFO_MEMORY = 1;
    private static final int INFO_CMDLINE = 1 << 2;
    private static final int INFO_MODULES = 1 << 3;
    private static final int INFO_MMAP = 1 << 6;
    private static final int INFO_BOOT_LOADER_NAME = 1 << 9;

    private MultibootInfoBuilder() {
    }

    /**
     * Places the modules page-aligned after {@code imageEnd} and writes the structure.
     *
     * @return the structure's guest-physical address
     */
    static long write(GuestMemory memory, GuestPhysicalLayout layout, String commandLine, List<BootModule> modules,
                      long imageEnd) throws BootException {
        Area area = new Area(memory, INFO_ADDRESS + INFO_SIZE, INFO_AREA_END);
        zeroStructure(memory);
        int flags = INFO_MEMORY | INFO_MMAP | INFO_BOOT_LOADER_NAME;
        long lowerKib = GuestPhysicalLayout.LEGACY_HOLE_START >> 10;
        long upperKib = (layout.lowRamEnd() - MultibootLoader.KERNEL_MINIMUM) >> 10;
        memory.writeValue(INFO_ADDRESS + 4, 4, lowerKib);
        memory.writeValue(INFO_ADDRESS + 8, 4, Math.min(upperKib, 0xFFFF_FFFFL));
        if (commandLine != null) {
            flags |= INFO_CMDLINE;
            memory.writeValue(INFO_ADDRESS + 16, 4, area.string(commandLine));
        }
        if (!modules.isEmpty()) {
            flags |= INFO_MODULES;
            long moduleAddress = (imageEnd + 0xFFF) & ~0xFFFL;
            long table = area.reserve(16L * modules.size(), 4);
            for (int i = 0; i < modules.size(); i++) {
                BootModule module = modules.get(i);
                layout.checkLoadable("module " + module.name(), moduleAddress, module.contents().length);
                memory.write(moduleAddress, module.contents(), 0, module.contents().length);
                long entry = table + 16L * i;
                memory.writeValue(entry, 4, moduleAddress);
                memory.writeValue(entry + 4, 4, moduleAddress + module.contents().length);
                String line = module.commandLine() == null ? module.name() : module.commandLine();
                memory.writeValue(entry + 8, 4, area.string(line));
                memory.writeValue(entry + 12, 4, 0);
                moduleAddress = (moduleAddress + module.contents().length + 0xFFF) & ~0xFFFL;
            }
            memory.writeValue(INFO_ADDRESS + 20, 4, modules.size());
            memory.writeValue(INFO_ADDRESS + 24, 4, table);
        }
        writeMemoryMap(memory, layout, area);
        memory.writeValue(INFO_ADDRESS + 64, 4, area.string("HVE"));
        memory.writeValue(INFO_ADDRESS, 4, flags);
        return INFO_ADDRESS;
    }

    private static void zeroStructure(GuestMemory memory) {
        memory.write(INFO_ADDRESS, new byte[INFO_SIZE], 0, INFO_SIZE);
    }

    /** mmap entries are size (20, excluding itself), base_addr, length, type (1 RAM, 2 reserved). */
    private static void writeMemoryMap(GuestMemory memory, GuestPhysicalLayout layout, Area area)
        throws BootException {
        List<MemoryMap.Region> regions = layout.memoryMap().regions();
        long table = area.reserve(24L * (regions.size() + 1), 4);
        long at = table;
        for (MemoryMap.Region region : regions) {
            long base = region.guestPhysical();
            long length = region.size();
            if (base == 0) {
                // Conventional memory ends at 640 KiB; 640 KiB-1 MiB is reserved, as on every PC.
                at = entry(memory, at, 0, GuestPhysicalLayout.LEGACY_HOLE_START, 1);
                at = entry(memory, at, GuestPhysicalLayout.LEGACY_HOLE_START,
                    GuestPhysicalLayout.LEGACY_HOLE_END - GuestPhysicalLayout.LEGACY_HOLE_START, 2);
                base = GuestPhysicalLayout.LEGACY_HOLE_END;
                length = region.end() - base;
                if (length <= 0) {
                    continue;
                }
            }
            at = entry(memory, at, base, length, 1);
        }
        memory.writeValue(INFO_ADDRESS + 44, 4, at - table);
        memory.writeValue(INFO_ADDRESS + 48, 4, table);
    }

    private static long entry(GuestMemory memory, long at, long base, long length, int type) {
        memory.writeValue(at, 4, 20);
        memory.writeValue(at + 4, 8, base);
        memory.writeValue(at + 12, 8, length);
        memory.writeValue(at + 20, 4, type);
        return at + 24;
    }

    /** A bump allocator for the structure's strings and tables. */
    private static final class Area {
        private final GuestMemory memory;
        private final long end;
        private long next;

        Area(GuestMemory memory, long start, long end) {
            this.memory = memory;
            this.next = start;
            this.end = end;
        }

        long reserve(long size, long alignment) throws BootException {
            long at = (next + alignment - 1) & -alignment;
            if (at + size > end) {
                throw new BootException(String.format("multiboot information (command lines, module table, memory "
                    + "map) does not fit in 0x%x-0x%x", INFO_ADDRESS, end));
            }
            next = at + size;
            return at;
        }

        long string(String text) throws BootException {
            byte[] bytes = (text + "\0").getBytes(StandardCharsets.UTF_8);
            long at = reserve(bytes.length, 1);
            memory.write(at, bytes, 0, bytes.length);
            return at;
        }
    }
}
