package dev.hve.difftests.guest;

import dev.hve.api.MemoryMap;
import java.util.List;

/**
 * Where everything of a generated guest lives in guest-physical memory. All of it is below 64 KiB
 * so that real-mode code with every segment at 0 reaches it, and paging (64-bit mode) maps it
 * one to one, so linear = physical everywhere.
 *
 * <pre>
 *   0x0000  real-mode IVT (16-bit guests)
 *   0x0500  GDT            0x0600  TSS (only so that TR is valid for VM entry)
 *   0x2000  IDT (32/64-bit)
 *   0x3000  interrupt handlers, 16 bytes per vector
 *   0x4000  the program
 *   0x8000  data area (4 KiB)
 *   0x9000  stack, growing down from 0xB000
 *   0xC000  MMIO hole: no RAM here, so accesses become MMIO exits
 *   0x10000 page tables (64-bit guests)
 *   0x400000 never mapped by the guest page tables: a #PF target in 64-bit mode
 * </pre>
 */
public final class Layout {

    private Layout() {
    }

    public static final long GDT = 0x500;
    public static final long TSS = 0x600;
    public static final long IDT = 0x2000;
    public static final long HANDLERS = 0x3000;
    public static final int HANDLER_SIZE = 16;
    public static final long CODE = 0x4000;
    public static final long CODE_END = 0x8000;
    public static final long DATA = 0x8000;
    public static final int DATA_SIZE = 0x1000;
    public static final long STACK_TOP = 0xB000;
    public static final long MMIO = 0xC000;
    public static final int MMIO_SIZE = 0x1000;
    public static final long PML4 = 0x10000;
    public static final long PDPT = 0x11000;
    public static final long PD = 0x12000;
    public static final long RAM_END = 0x100000;
    /** Compared after a run: everything a guest can write lies below this. */
    public static final long COMPARED_END = 0x13000;
    /** Outside the guest's 2 MiB identity mapping. */
    public static final long UNMAPPED = 0x400000;

    /** Selectors of the GDT built by {@link GuestImage}. */
    public static final int CODE32_SEL = 0x08;
    public static final int DATA_SEL = 0x10;
    public static final int CODE64_SEL = 0x18;
    public static final int TSS_SEL = 0x20;

    /** Harness ports: always intercepted, whatever the generated configuration says. */
    public static final int DONE_PORT = 0xF4;
    public static final int EXCEPTION_PORT = 0xF5;
    public static final int IRQ_PORT = 0xF6;

    /** RAM below and above the MMIO hole. */
    public static MemoryMap memoryMap() {
        return new MemoryMap(List.of(new MemoryMap.Region(0, MMIO), new MemoryMap.Region(MMIO + MMIO_SIZE, RAM_END - MMIO - MMIO_SIZE)));
    }
}
