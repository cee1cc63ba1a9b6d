package dev.hve.platform.boot;

import dev.hve.api.GuestMemory;
import dev.hve.api.Register;
import dev.hve.api.Vcpu;
import java.util.List;

/**
 * Loads an ELF64 kernel and enters it directly in 64-bit mode. The initial state, documented
 * here because no standard defines it:
 * <ul>
 *   <li>long mode with paging: the first 4 GiB identity-mapped with 2 MiB pages, tables at
 *       {@link #PAGE_TABLES} (PML4, PDPT, four page directories);</li>
 *   <li>CS = 0x20 (64-bit code), DS/ES/SS/FS/GS = 0x18 (flat data), GDT at 0x500;</li>
 *   <li>interrupts off, IDTR limit 0 (any exception triple-faults until the kernel sets an IDT);</li>
 *   <li>RSP = {@link #STACK_TOP}, a 64 KiB stack below the page tables;</li>
 *   <li>RDI = the address of a Multiboot 1 information structure (command line, modules, memory
 *       map), RSI = 0.</li>
 * </ul>
 */
public final class Elf64Loader {

    public static final long PAGE_TABLES = 0x70000;
    public static final long STACK_TOP = PAGE_TABLES;

    public LoadedGuest load(ElfImage elf, String commandLine, List<BootModule> modules, GuestMemory memory,
                            GuestPhysicalLayout layout, Vcpu bootCpu) throws BootException {
        if (!elf.is64() || elf.machine() != ElfImage.EM_X86_64) {
            throw new BootException(elf.name() + ": not an x86-64 ELF64 image");
        }
        long[] placed = ElfSegmentLoader.load(elf, memory, layout);
        if (placed[0] < GuestPhysicalLayout.LEGACY_HOLE_END) {
            throw new BootException(String.format("%s: a segment at 0x%x lies below 1 MiB, where the boot data "
                + "(GDT, page tables, boot information) goes; link the kernel at 1 MiB or above", elf.name(),
                placed[0]));
        }
        if (elf.entry() < placed[0] || elf.entry() >= placed[1]) {
            throw new BootException(String.format("%s: entry point 0x%x is outside the loaded image 0x%x-0x%x",
                elf.name(), elf.entry(), placed[0], placed[1] - 1));
        }
        long info = MultibootInfoBuilder.write(memory, layout, commandLine, modules, placed[1]);
        BootCpuState.longMode64(bootCpu, memory, elf.entry(), PAGE_TABLES);
        bootCpu.setRegister(Register.RSP, STACK_TOP);
        bootCpu.setRegister(Register.RDI, info);
        bootCpu.setRegister(Register.RSI, 0);
        return new LoadedGuest("elf64", elf.entry(), placed[0], placed[1]);
    }
}
