package dev.hve.difftests.guest;

import dev.hve.api.GuestMemory;
import dev.hve.difftests.asm.Assembler;
import dev.hve.difftests.asm.Gpr;
import dev.hve.difftests.asm.Mode;

/**
 * Writes the fixed part of a guest into guest memory: GDT, TSS, IDT (or the real-mode IVT),
 * interrupt handlers and, for 64-bit guests, identity page tables; then the program.
 *
 * <p>Handlers make interrupt delivery observable as port writes, so the compared transaction log
 * shows which vector arrived where: vector 2 (NMI) and vectors 32-255 write their number to
 * {@link Layout#IRQ_PORT} and return with IRET; exception vectors write theirs to
 * {@link Layout#EXCEPTION_PORT} and end the run through {@link Layout#DONE_PORT}, since a fault
 * cannot in general be resumed.
 */
public final class GuestImage {

    private GuestImage() {
    }

    public static void load(Mode mode, GuestMemory memory, byte[] program) {
        writeGdt(memory);
        writeIdt(mode, memory);
        byte[] handlers = handlers(mode).bytes();
        memory.write(Layout.HANDLERS, handlers, 0, handlers.length);
        if (mode == Mode.BITS64) {
            writePageTables(memory);
        }
        memory.write(Layout.CODE, program, 0, program.length);
    }

    /** The handler area: 256 handlers of {@link Layout#HANDLER_SIZE} bytes each. */
    public static Assembler handlers(Mode mode) {
        Assembler a = new Assembler(mode, Layout.HANDLERS);
        Gpr acc = Gpr.of(Gpr.AX, mode.stackSize());
        for (int vector = 0; vector < 256; vector++) {
            long start = a.here();
            if (returns(vector)) {
                a.push(acc);
                a.movImm(Gpr.of(Gpr.AX, 1), vector);
                a.out(1, Layout.IRQ_PORT);
                a.pop(acc);
                a.iret();
            } else {
                a.movImm(Gpr.of(Gpr.AX, 1), vector);
                a.out(1, Layout.EXCEPTION_PORT);
                a.out(1, Layout.DONE_PORT);
                a.hlt();
            }
            while (a.here() < start + Layout.HANDLER_SIZE) {
                a.nop();
            }
        }
        return a;
    }

    /** NMI and interrupts return to the interrupted code; exceptions end the run. */
    public static boolean returns(int vector) {
        return vector == 2 || vector >= 32;
    }

    private static void writeGdt(GuestMemory m) {
        m.writeValue(Layout.GDT, 8, 0);
        m.writeValue(Layout.GDT + Layout.CODE32_SEL, 8, 0x00CF_9B00_0000_FFFFL);
        m.writeValue(Layout.GDT + Layout.DATA_SEL, 8, 0x00CF_9300_0000_FFFFL);
        m.writeValue(Layout.GDT + Layout.CODE64_SEL, 8, 0x00AF_9B00_0000_FFFFL);
        // A busy TSS at Layout.TSS, limit 0x67; the next 8 bytes are the 64-bit form's upper half.
        long tss = 0x0000_8B00_0000_0067L | (Layout.TSS & 0xFF_FFFFL) << 16;
        m.writeValue(Layout.GDT + Layout.TSS_SEL, 8, tss);
        m.writeValue(Layout.GDT + Layout.TSS_SEL + 8, 8, 0);
    }

    private static void writeIdt(Mode mode, GuestMemory m) {
        for (int vector = 0; vector < 256; vector++) {
            long handler = Layout.HANDLERS + (long) vector * Layout.HANDLER_SIZE;
            switch (mode) {
                case BITS16 -> m.writeValue(vector * 4L, 4, handler); // offset:segment 0
                case BITS32 -> m.writeValue(Layout.IDT + vector * 8L, 8, gate(handler, Layout.CODE32_SEL));
                case BITS64 -> {
                    m.writeValue(Layout.IDT + vector * 16L, 8, gate(handler, Layout.CODE64_SEL));
                    m.writeValue(Layout.IDT + vector * 16L + 8, 8, handler >>> 32);
                }
            }
        }
    }

    /** A present DPL-0 interrupt gate (type 0xE). */
    private static long gate(long offset, int selector) {
        return (offset & 0xFFFF) | (long) selector << 16 | 0x8E00L << 32 | (offset >>> 16 & 0xFFFF) << 48;
    }

    /** One 2 MiB identity page: everything the guest uses, but not {@link Layout#UNMAPPED}. */
    private static void writePageTables(GuestMemory m) {
        m.writeValue(Layout.PML4, 8, Layout.PDPT | 3);
        m.writeValue(Layout.PDPT, 8, Layout.PD | 3);
        m.writeValue(Layout.PD, 8, 0x83); // present, writable, 2 MiB page at 0
    }
}
