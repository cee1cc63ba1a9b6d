package dev.hve.platform.boot;

import dev.hve.api.GuestMemory;
import dev.hve.api.Vcpu;
import java.util.List;

/** Recognizes a guest image and loads it through the matching boot protocol. */
public final class GuestLoader {

    private GuestLoader() {
    }

    /**
     * A Multiboot 1 kernel (ELF32, or any image with the address-field header) enters in 32-bit
     * protected mode; a plain ELF64 x86-64 kernel enters in 64-bit mode ({@link Elf64Loader}).
     */
    public static LoadedGuest load(String name, byte[] image, String commandLine, List<BootModule> modules,
                                   GuestMemory memory, GuestPhysicalLayout layout, Vcpu bootCpu)
        throws BootException {
        if (image.length == 0) {
            throw new BootException(name + ": empty file");
        }
        if (ElfImage.looksLikeElf(image) && image.length > 4 && image[4] == ElfImage.ELFCLASS64) {
            return new Elf64Loader().load(ElfImage.parse(name, image), commandLine, modules, memory, layout, bootCpu);
        }
        if (MultibootLoader.isMultiboot(image)) {
            return new MultibootLoader().load(name, image, commandLine, modules, memory, layout, bootCpu);
        }
        if (ElfImage.looksLikeElf(image)) {
            ElfImage.parse(name, image); // reports a truncated or malformed ELF file precisely
            throw new BootException(name + ": an ELF32 file without a multiboot header; HVE boots multiboot kernels "
                + "and ELF64 x86-64 kernels");
        }
        throw new BootException(name + ": no multiboot header (magic 0x1BADB002 with a valid checksum) in the first "
            + "8 KiB, and not an ELF64 kernel");
    }
}
