package dev.hve.platform.boot;

import dev.hve.api.GuestMemory;
import dev.hve.api.MemoryMap;
import dev.hve.api.Register;
import dev.hve.api.Vcpu;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Loads a Multiboot 1 kernel (Multiboot Specification 0.6.96) and enters it in 32-bit protected
 * mode with EAX = 0x2BADB002 and EBX pointing at the multiboot information structure.
 *
 * <p>The image is loaded from its ELF program headers, or from the header's address fields (the
 * "a.out kludge") when header flag 16 is set. The information structure carries the memory
 * bounds, the command line, the modules and a memory map.
 */
public final class MultibootLoader {

    public static final int HEADER_MAGIC = 0x1BADB002;
    public static final int BOOTLOADER_MAGIC = 0x2BADB002;
    /** The header must lie entirely within the image's first 8192 bytes (§3.1.1). */
    private static final int HEADER_SEARCH_LIMIT = 8192;
    private static final int FLAG_PAGE_ALIGN_MODULES = 1;
    private static final int FLAG_MEMORY_INFO = 1 << 1;
    private static final int FLAG_VIDEO_MODE = 1 << 2;
    private static final int FLAG_ADDRESS_FIELDS = 1 << 16;
    /** Bits 0-15 are requirements; a loader that cannot meet one must refuse the image (§3.1.2). */
    private static final int SUPPORTED_REQUIREMENTS = FLAG_PAGE_ALIGN_MODULES | FLAG_MEMORY_INFO;

    // multiboot_info flags (§3.3).
    private static final int INFO_MEMORY = 1;
    private static final int INFO_CMDLINE = 1 << 2;
    private static final int INFO_MODULES = 1 << 3;
    private static final int INFO_MMAP = 1 << 6;
    private static final int INFO_BOOT_LOADER_NAME = 1 << 9;

    /** Where the information structure and its strings go: conventional memory below the EBDA. */
    static final long INFO_ADDRESS = 0x9000;
    private static final long INFO_AREA_END = GuestPhysicalLayout.LEGACY_HOLE_START;
    private static final int INFO_SIZE = 88;
    private static final long KERNEL_MINIMUM = 0x100000;

    /** Returns true when {@code image} carries a valid multiboot header in its first 8 KiB. */
    public static boolean isMultiboot(byte[] image) {
        return findHeader(image) >= 0;
    }

    private static int findHeader(byte[] image) {
        ByteBuffer in = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        int limit = Math.min(image.length, HEADER_SEARCH_LIMIT) - 12;
        for (int at = 0; at <= limit; at += 4) {
            if (in.getInt(at) == HEADER_MAGIC && in.getInt(at) + in.getInt(at + 4) + in.getInt(at + 8) == 0) {
                return at;
            }
        }
        return -1;
    }

    /**
     * Loads the kernel and its modules into guest memory and sets vCPU 0's entry state.
     *
     * @throws BootException for a malformed or truncated image, a segment outside RAM or over
     *                       device memory, or too little memory
     */
    public LoadedGuest load(String name, byte[] image, String commandLine, List<BootModule> modules,
                            GuestMemory memory, GuestPhysicalLayout layout, Vcpu bootCpu) throws BootException {
        int header = findHeader(image);
        if (header < 0) {
            throw new BootException(name + ": no multiboot header (magic 0x1BADB002 with a valid checksum) in the "
                + "first 8 KiB");
        }
        ByteBuffer in = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        int flags = in.getInt(header + 4);
        int unsupported = flags & 0xFFFF & ~SUPPORTED_REQUIREMENTS;
        if (unsupported != 0) {
            String what = (unsupported & FLAG_VIDEO_MODE) != 0 ? " (video mode information)" : "";
            throw new BootException(String.format("%s: multiboot header requires flags 0x%x%s, which HVE does not "
                + "provide", name, unsupported, what));
        }
        if (layout.lowRamEnd() < 2 * KERNEL_MINIMUM) {
            throw new BootException(String.format("%s: too little memory: multiboot needs at least 2 MiB, the guest "
                + "has %d KiB", name, layout.lowRamEnd() >> 10));
        }

        long entry;
        long imageStart;
        long imageEnd;
        if ((flags & FLAG_ADDRESS_FIELDS) != 0) {
            long[] placed = loadWithAddressFields(name, image, header, in, memory, layout);
            entry = placed[0];
            imageStart = placed[1];
            imageEnd = placed[2];
        } else {
            ElfImage elf = ElfImage.parse(name, image);
            long[] placed = loadElf(elf, memory, layout);
            entry = elf.entry();
            imageStart = placed[0];
            imageEnd = placed[1];
        }
        if (entry < imageStart || entry >= imageEnd) {
            throw new BootException(String.format("%s: entry point 0x%x is outside the loaded image 0x%x-0x%x", name,
                entry, imageStart, imageEnd - 1));
        }

        InfoWriter info = new InfoWriter(memory, INFO_ADDRESS + INFO_SIZE, INFO_AREA_END);
        int infoFlags = INFO_MEMORY | INFO_MMAP | INFO_BOOT_LOADER_NAME;
        long lowerKib = GuestPhysicalLayout.LEGACY_HOLE_START >> 10;
        long upperKib = (layout.lowRamEnd() - KERNEL_MINIMUM) >> 10;
        memory.writeValue(INFO_ADDRESS + 4, 4, lowerKib);
        memory.writeValue(INFO_ADDRESS + 8, 4, Math.min(upperKib, 0xFFFF_FFFFL));
        if (commandLine != null) {
            infoFlags |= INFO_CMDLINE;
            memory.writeValue(INFO_ADDRESS + 16, 4, info.string(commandLine));
        }
        if (!modules.isEmpty()) {
            infoFlags |= INFO_MODULES;
            long moduleAddress = (imageEnd + 0xFFF) & ~0xFFFL;
            long table = info.reserve(16L * modules.size(), 4);
            for (int i = 0; i < modules.size(); i++) {
                BootModule module = modules.get(i);
                layout.checkLoadable("module " + module.name(), moduleAddress, module.contents().length);
                memory.write(moduleAddress, module.contents(), 0, module.contents().length);
                long entryAt = table + 16L * i;
                memory.writeValue(entryAt, 4, moduleAddress);
                memory.writeValue(entryAt + 4, 4, moduleAddress + module.contents().length);
                String moduleLine = module.commandLine() == null ? module.name() : module.commandLine();
                memory.writeValue(entryAt + 8, 4, info.string(moduleLine));
                memory.writeValue(entryAt + 12, 4, 0);
                moduleAddress = (moduleAddress + module.contents().length + 0xFFF) & ~0xFFFL;
            }
            memory.writeValue(INFO_ADDRESS + 20, 4, modules.size());
            memory.writeValue(INFO_ADDRESS + 24, 4, table);
        }
        writeMemoryMap(memory, layout, info);
        memory.writeValue(INFO_ADDRESS + 64, 4, info.string("HVE"));
        memory.writeValue(INFO_ADDRESS, 4, infoFlags);

        BootCpuState.protectedMode32(bootCpu, memory, entry);
        bootCpu.setRegister(Register.RAX, BOOTLOADER_MAGIC);
        bootCpu.setRegister(Register.RBX, INFO_ADDRESS);
        return new LoadedGuest("multiboot", entry, imageStart, imageEnd);
    }

    private static long[] loadElf(ElfImage elf, GuestMemory memory, GuestPhysicalLayout layout) throws BootException {
        long start = Long.MAX_VALUE;
        long end = 0;
        int index = 0;
        for (ElfImage.Segment segment : elf.loadSegments()) {
            long address = segment.physicalAddress();
            String what = "segment " + index++ + " of " + elf.name();
            layout.checkLoadable(what, address, segment.memorySize());
            memory.write(address, elf.bytes(), (int) segment.fileOffset(), (int) segment.fileSize());
            zero(memory, address + segment.fileSize(), segment.memorySize() - segment.fileSize());
            start = Math.min(start, address);
            end = Math.max(end, address + segment.memorySize());
        }
        if (end == 0) {
            throw new BootException(elf.name() + ": ELF file has no loadable segment");
        }
        return new long[] {start, end};
    }

    /** The a.out kludge of §3.1.3: header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr. */
    private static long[] loadWithAddressFields(String name, byte[] image, int header, ByteBuffer in,
                                                GuestMemory memory, GuestPhysicalLayout layout) throws BootException {
        if (header + 32 > image.length) {
            throw new BootException(name + ": truncated multiboot header (address fields missing)");
        }
        long headerAddr = in.getInt(header + 12) & 0xFFFF_FFFFL;
        long loadAddr = in.getInt(header + 16) & 0xFFFF_FFFFL;
        long loadEndAddr = in.getInt(header + 20) & 0xFFFF_FFFFL;
        long bssEndAddr = in.getInt(header + 24) & 0xFFFF_FFFFL;
        long entryAddr = in.getInt(header + 28) & 0xFFFF_FFFFL;
        if (loadAddr > headerAddr) {
            throw new BootException(String.format("%s: multiboot load_addr 0x%x is above header_addr 0x%x", name,
                loadAddr, headerAddr));
        }
        long fileOffset = header - (headerAddr - loadAddr);
        if (fileOffset < 0) {
            throw new BootException(name + ": multiboot header_addr/load_addr place the image before the file start");
        }
        long loadLength = loadEndAddr == 0 ? image.length - fileOffset : loadEndAddr - loadAddr;
        if (loadLength < 0 || fileOffset + loadLength > image.length) {
            throw new BootException(String.format("%s: truncated: multiboot load_end_addr 0x%x needs %d bytes from file "
                + "offset %d, the file has %d", name, loadEndAddr, loadLength, fileOffset, image.length));
        }
        long end = Math.max(loadAddr + loadLength, bssEndAddr);
        layout.checkLoadable(name, loadAddr, end - loadAddr);
        memory.write(loadAddr, image, (int) fileOffset, (int) loadLength);
        if (bssEndAddr > loadAddr + loadLength) {
            zero(memory, loadAddr + loadLength, bssEndAddr - loadAddr - loadLength);
        }
        return new long[] {entryAddr, loadAddr, end};
    }

    /** The BIOS-style memory map (§3.3 mmap_*): each entry is size, base_addr, length, type. */
    private static void writeMemoryMap(GuestMemory memory, GuestPhysicalLayout layout, InfoWriter info)
        throws BootException {
        List<MemoryMap.Region> regions = layout.memoryMap().regions();
        int entries = regions.size() + 1;
        long table = info.reserve(24L * entries, 4);
        long at = table;
        for (MemoryMap.Region region : regions) {
            long base = region.guestPhysical();
            long length = region.size();
            if (base == 0) {
                // Conventional memory stops at 640 KiB; 640 KiB-1 MiB is reserved, as on every PC.
                writeMmapEntry(memory, at, 0, GuestPhysicalLayout.LEGACY_HOLE_START, 1);
                at += 24;
                writeMmapEntry(memory, at, GuestPhysicalLayout.LEGACY_HOLE_START,
                    GuestPhysicalLayout.LEGACY_HOLE_END - GuestPhysicalLayout.LEGACY_HOLE_START, 2);
                at += 24;
                base = GuestPhysicalLayout.LEGACY_HOLE_END;
                length = region.end() - base;
                if (length <= 0) {
                    continue;
                }
            }
            writeMmapEntry(memory, at, base, length, 1);
            at += 24;
        }
        memory.writeValue(INFO_ADDRESS + 44, 4, at - table);
        memory.writeValue(INFO_ADDRESS + 48, 4, table);
    }

    private static void writeMmapEntry(GuestMemory memory, long at, long base, long length, int type) {
        memory.writeValue(at, 4, 20);
        memory.writeValue(at + 4, 8, base);
        memory.writeValue(at + 12, 8, length);
        memory.writeValue(at + 20, 4, type);
    }

    private static void zero(GuestMemory memory, long address, long length) {
        byte[] zeros = new byte[4096];
        while (length > 0) {
            int chunk = (int) Math.min(length, zeros.length);
            memory.write(address, zeros, 0, chunk);
            address += chunk;
            length -= chunk;
        }
    }

    /** A bump allocator for the information structure's strings and tables. */
    private static final class InfoWriter {
        private final GuestMemory memory;
        private long next;
        private final long end;

        InfoWriter(GuestMemory memory, long start, long end) {
            this.memory = memory;
            this.next = start;
            this.end = end;
        }

        long reserve(long size, long alignment) throws BootException {
            long at = (next + alignment - 1) & -alignment;
            if (at + size > end) {
                throw new BootException(String.format("multiboot information (command lines, module table, memory map) "
                    + "does not fit in 0x%x-0x%x", INFO_ADDRESS, end));
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
