package dev.hve.platform.boot;

import dev.hve.api.DescriptorTable;
import dev.hve.api.GuestMemory;
import dev.hve.api.Register;
import dev.hve.api.Segment;
import dev.hve.api.SegmentRegister;
import dev.hve.api.Vcpu;

/**
 * The processor states boot protocols enter a guest in, set through the common register
 * accessors. A small GDT is written into guest memory so that a guest which reloads its segment
 * registers with the entry selectors before building its own GDT still finds valid descriptors.
 */
public final class BootCpuState {

    /** Where the boot GDT lives: below the multiboot info area, in conventional memory. */
    public static final long GDT_ADDRESS = 0x500;
    public static final int CODE32_SELECTOR = 0x10;
    public static final int DATA_SELECTOR = 0x18;
    public static final int CODE64_SELECTOR = 0x20;

    private static final long CR0_PE = 1L;
    private static final long CR0_ET = 1L << 4;
    private static final long CR0_PG = 1L << 31;
    private static final long CR4_PAE = 1L << 5;
    private static final long EFER_LME = 1L << 8;
    private static final long EFER_LMA = 1L << 10;

    private BootCpuState() {
    }

    /** Null, unused, code32 (0x10), data (0x18), code64 (0x20): flat 4 GiB descriptors. */
    public static void writeBootGdt(GuestMemory memory) {
        long[] descriptors = {
            0,
            0,
            0x00CF_9B00_0000_FFFFL, // 32-bit code, execute/read, accessed
            0x00CF_9300_0000_FFFFL, // data, read/write, accessed
            0x00AF_9B00_0000_FFFFL, // 64-bit code (L=1, D=0)
        };
        for (int i = 0; i < descriptors.length; i++) {
            memory.writeValue(GDT_ADDRESS + 8L * i, 8, descriptors[i]);
        }
    }

    private static int gdtLimit() {
        return 5 * 8 - 1;
    }

    /**
     * 32-bit protected mode, paging off, interrupts off: what Multiboot 1 (§3.2 "Machine state")
     * and the PVH ABI require. CS is a flat 32-bit code segment, the others flat data.
     */
    public static void protectedMode32(Vcpu vcpu, GuestMemory memory, long entry) {
        writeBootGdt(memory);
        vcpu.setGdtr(new DescriptorTable(GDT_ADDRESS, gdtLimit()));
        vcpu.setIdtr(new DescriptorTable(0, 0x3FF));
        vcpu.setRegister(Register.CR0, CR0_PE | CR0_ET);
        vcpu.setRegister(Register.CR3, 0);
        vcpu.setRegister(Register.CR4, 0);
        vcpu.setRegister(Register.EFER, 0);
        vcpu.setSegment(SegmentRegister.CS, Segment.flat(CODE32_SELECTOR, 0xB, 0, true, false));
        Segment data = Segment.flat(DATA_SELECTOR, 0x3, 0, true, false);
        for (SegmentRegister s : new SegmentRegister[] {SegmentRegister.DS, SegmentRegister.ES, SegmentRegister.SS,
            SegmentRegister.FS, SegmentRegister.GS}) {
            vcpu.setSegment(s, data);
        }
        systemSegments(vcpu);
        vcpu.setRegister(Register.RFLAGS, 0x2);
        vcpu.setRegister(Register.RIP, entry);
    }

    /**
     * 64-bit mode with paging on: the first 4 GiB identity-mapped with 2 MiB pages by tables at
     * {@code pageTables} (six pages: PML4, PDPT, four page directories), CS the 64-bit code
     * selector, interrupts off.
     */
    public static void longMode64(Vcpu vcpu, GuestMemory memory, long entry, long pageTables) {
        writeBootGdt(memory);
        long pml4 = pageTables;
        long pdpt = pageTables + 0x1000;
        long pd = pageTables + 0x2000;
        memory.writeValue(pml4, 8, pdpt | 0x3);
        for (int i = 0; i < 4; i++) {
            memory.writeValue(pdpt + 8L * i, 8, (pd + 0x1000L * i) | 0x3);
            for (int j = 0; j < 512; j++) {
                long physical = ((long) i << 30) | ((long) j << 21);
                memory.writeValue(pd + 0x1000L * i + 8L * j, 8, physical | 0x83); // present, writable, 2 MiB
            }
        }
        vcpu.setGdtr(new DescriptorTable(GDT_ADDRESS, gdtLimit()));
        vcpu.setIdtr(new DescriptorTable(0, 0));
        vcpu.setRegister(Register.CR3, pml4);
        vcpu.setRegister(Register.CR4, CR4_PAE);
        vcpu.setRegister(Register.EFER, EFER_LME | EFER_LMA);
        vcpu.setRegister(Register.CR0, CR0_PE | CR0_ET | CR0_PG);
        vcpu.setSegment(SegmentRegister.CS, Segment.flat(CODE64_SELECTOR, 0xB, 0, false, true));
        Segment data = Segment.flat(DATA_SELECTOR, 0x3, 0, true, false);
        for (SegmentRegister s : new SegmentRegister[] {SegmentRegister.DS, SegmentRegister.ES, SegmentRegister.SS,
            SegmentRegister.FS, SegmentRegister.GS}) {
            vcpu.setSegment(s, data);
        }
        systemSegments(vcpu);
        vcpu.setRegister(Register.RFLAGS, 0x2);
        vcpu.setRegister(Register.RIP, entry);
    }

    /** LDTR unusable; TR a busy 32/64-bit TSS of minimal size at 0, as VM entry requires a usable TR. */
    private static void systemSegments(Vcpu vcpu) {
        vcpu.setSegment(SegmentRegister.LDTR, new Segment(0, 0, 0xFFFF, 0x82, true));
        vcpu.setSegment(SegmentRegister.TR, new Segment(0, 0, 0x67, 0x8B, false));
    }
}
