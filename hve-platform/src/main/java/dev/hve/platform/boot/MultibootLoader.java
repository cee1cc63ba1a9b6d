package dev.hve.platform.boot;

import dev.hve.api.GuestMemory;
import dev.hve.api.Register;
import dev.hve.api.Vcpu;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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


    static final long KERNEL_MINIMUM = 0x100000;

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
            long[] placed = ElfSegmentLoader.load(elf, memory, layout);
            entry = elf.entry();
            imageStart = placed[0];
            imageEnd = placed[1];
        }
        if (entry < imageStart || entry >= imageEnd) {
            throw new BootException(String.format("%s: entry point 0x%x is outside the loaded image 0x%x-0x%x", name,
                entry, imageStart, imageEnd - 1));
        }

        long info = MultibootInfoBuilder.write(memory, layout, commandLine, modules, imageEnd);

        BootCpuState.protectedMode32(bootCpu, memory, entry);
        bootCpu.setRegister(Register.RAX, BOOTLOADER_MAGIC);
        bootCpu.setRegister(Register.RBX, info);
        return new LoadedGuest("multiboot", entry, imageStart, imageEnd);
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
            ElfSegmentLoader.zero(memory, loadAddr + loadLength, bssEndAddr - loadAddr - loadLength);
        }
        return new long[] {entryAddr, loadAddr, end};
    }
}
