package dev.hve.platform.boot;

import dev.hve.api.GuestMemory;
import dev.hve.api.Vcpu;
import java.util.List;

/** Recognizes a guest image and loads it through the matching boot protocol. */
public final class GuestLoader {

    private GuestLoader() {
    }

    /**
     * Tries the protocols in the order QEMU does for {@code -kernel}: a Linux bzImage through the
     * Linux boot protocol; a Multiboot 1 kernel in 32-bit protected mode; an ELF kernel with a
     * {@code XEN_ELFNOTE_PHYS32_ENTRY} note through PVH; a plain ELF64 x86-64 kernel entered in
     * 64-bit mode ({@link Elf64Loader}). Modules are the initrd for Linux and PVH.
     */
    public static LoadedGuest load(String name, byte[] image, String commandLine, List<BootModule> modules,
                                   GuestMemory memory, GuestPhysicalLayout layout, Vcpu bootCpu)
        throws BootException {
        if (image.length == 0) {
            throw new BootException(name + ": empty file");
        }
        if (LinuxBootLoader.isBzImage(image)) {
            if (modules.size() > 1) {
                throw new BootException(name + ": a Linux kernel takes one initrd, not " + modules.size() + " modules");
            }
            return new LinuxBootLoader().load(name, image, commandLine, modules.isEmpty() ? null : modules.get(0),
                memory, layout, bootCpu);
        }
        if (MultibootLoader.isMultiboot(image)) {
            return new MultibootLoader().load(name, image, commandLine, modules, memory, layout, bootCpu);
        }
        if (ElfImage.looksLikeElf(image)) {
            ElfImage elf = ElfImage.parse(name, image); // reports a truncated or malformed ELF file precisely
            if (PvhLoader.entryOf(elf).isPresent()) {
                return new PvhLoader().load(elf, commandLine, modules, memory, layout, bootCpu);
            }
            if (elf.is64()) {
                return new Elf64Loader().load(elf, commandLine, modules, memory, layout, bootCpu);
            }
            throw new BootException(name + ": an ELF32 file with neither a multiboot header nor a PVH entry note");
        }
        throw new BootException(name + ": not a kernel HVE can boot: no bzImage header, no multiboot header "
            + "(magic 0x1BADB002 with a valid checksum) in the first 8 KiB, and not an ELF file");
    }
}
