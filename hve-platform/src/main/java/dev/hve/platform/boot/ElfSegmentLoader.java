package dev.hve.platform.boot;

import dev.hve.api.GuestMemory;

/** Copies an ELF image's PT_LOAD segments to their physical addresses and zeroes their BSS. */
final class ElfSegmentLoader {

    private ElfSegmentLoader() {
    }

    /** Returns {lowest address, one past the highest address} of what was loaded. */
    static long[] load(ElfImage elf, GuestMemory memory, GuestPhysicalLayout layout) throws BootException {
        long start = Long.MAX_VALUE;
        long end = 0;
        int index = 0;
        for (ElfImage.Segment segment : elf.loadSegments()) {
            long address = segment.physicalAddress();
            layout.checkLoadable("segment " + index++ + " of " + elf.name(), address, segment.memorySize());
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

    static void zero(GuestMemory memory, long address, long length) {
        byte[] zeros = new byte[4096];
        while (length > 0) {
            int chunk = (int) Math.min(length, zeros.length);
            memory.write(address, zeros, 0, chunk);
            address += chunk;
            length -= chunk;
        }
    }
}
