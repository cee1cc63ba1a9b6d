package dev.hve.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hve.emulator.cpu.CpuState;
import java.util.List;
import org.junit.jupiter.api.Test;

/** 32-bit, PAE and 4-level paging: rights, NX, A/D bits, reserved bits, TLB invalidation. */
class PagingTest {

    /** 4-level paging with a 4 KiB page table for 6-8 MiB (PD entry 3 -> PT at 0x73000). */
    private TestMachine long4k() {
        TestMachine t = new TestMachine(dev.hve.emulator.cpuid.CpuModels.intel(), 16 << 20).long64();
        t.memory.write64(0x72000 + 3 * 8, 0x73000 | 7);
        for (int i = 0; i < 512; i++) {
            t.memory.write64(0x73000 + 8L * i, (0x60_0000L + ((long) i << 12)) | 7);
        }
        t.s.idtrLimit = 0; // exceptions are intercepted by the tests instead
        return t;
    }

    @Test
    void writeSetsAccessedAndDirty() {
        TestMachine t = long4k();
        t.load(0x1000, 0x89, 0x03, 0xF4); // mov [rbx], eax
        t.s.gpr[3] = 0x60_5008;
        t.at(0x1000).run(10);
        long pte = t.memory.read64(0x73000 + 5 * 8);
        assertEquals(0x60, pte & 0x60, "A and D set");
        assertEquals(0x20, t.memory.read64(0x73000 + 6 * 8) & 0x20 ^ 0x20, "untouched PTE stays clear");
        assertTrue((t.memory.read64(0x70000) & 0x20) != 0, "PML4E accessed");
    }

    @Test
    void readOnlyPageAndWriteProtect() {
        TestMachine t = long4k();
        t.memory.write64(0x73000 + 5 * 8, 0x60_5000L | 5); // present, user, read-only
        t.exitOnException = 14;
        t.load(0x1000, 0x89, 0x03, 0xF4);
        t.s.gpr[3] = 0x60_5008;
        t.s.cr0 |= CpuState.CR0_WP;
        assertEquals(StopReason.EXIT, t.at(0x1000).run(10));
        assertEquals(List.of("exception 14 err=true/3 cr2=605008"), t.log);
        // With CR0.WP clear, supervisor writes ignore R/W.
        t.log.clear();
        t.s.cr0 &= ~CpuState.CR0_WP;
        t.core.flushTlb();
        t.run(10);
        assertTrue(t.s.halted, () -> t.log.toString());
    }

    @Test
    void userAccessToSupervisorPage() {
        TestMachine t = long4k();
        t.memory.write64(0x73000 + 5 * 8, 0x60_5000L | 3); // supervisor
        t.exitOnException = 14;
        t.load(0x1000, 0x8B, 0x03);
        t.s.gpr[3] = 0x60_5010;
        t.s.cpl = 3;
        t.s.segmentAttributes[CpuState.CS] |= 0x60;
        assertEquals(StopReason.EXIT, t.at(0x1000).run(10));
        assertEquals(List.of("exception 14 err=true/5 cr2=605010"), t.log);
    }

    @Test
    void noExecuteFetch() {
        TestMachine t = long4k();
        t.s.efer |= CpuState.EFER_NXE;
        t.memory.write64(0x73000 + 7 * 8, 0x60_7000L | 7 | (1L << 63));
        t.exitOnException = 14;
        t.load(0x1000, 0xE9, 0xFB, 0x5F, 0x60, 0x00); // jmp 0x607000
        assertEquals(StopReason.EXIT, t.at(0x1000).run(10));
        assertEquals(List.of("exception 14 err=true/11 cr2=607000"), t.log);
        assertEquals(0x60_7000, t.s.rip);
    }

    @Test
    void reservedBitIsRsvdFault() {
        TestMachine t = long4k();
        t.memory.write64(0x73000 + 8 * 8, 0x60_8000L | 7 | (1L << 63)); // XD set while EFER.NXE = 0
        t.exitOnException = 14;
        t.load(0x1000, 0x8B, 0x03);
        t.s.gpr[3] = 0x60_8000;
        assertEquals(StopReason.EXIT, t.at(0x1000).run(10));
        assertEquals(List.of("exception 14 err=true/9 cr2=608000"), t.log);
    }

    @Test
    void tlbIsStaleUntilInvlpg() {
        TestMachine t = long4k();
        t.memory.write32(0x60_9000, 0x1111);
        t.memory.write32(0x60_A000, 0x2222);
        t.load(0x1000,
            0x8B, 0x03,             // mov eax, [rbx]        (fills the TLB)
            0x89, 0x0A,             // mov [rdx], ecx         (rewrites the PTE to point at 0x60A000)
            0x8B, 0x33,             // mov esi, [rbx]         (still the old translation)
            0x0F, 0x01, 0x3B,       // invlpg [rbx]
            0x8B, 0x3B,             // mov edi, [rbx]         (new translation)
            0xF4);
        t.s.gpr[3] = 0x60_9000;
        t.s.gpr[2] = 0x73000 + 9 * 8;
        t.s.gpr[1] = 0x60_A000L | 7;
        t.at(0x1000).run(20);
        assertEquals(0x1111, t.s.gpr[0]);
        assertEquals(0x1111, t.s.gpr[6]);
        assertEquals(0x2222, t.s.gpr[7]);
    }

    @Test
    void paePagingWith2MPagesAndNx() {
        TestMachine t = new TestMachine().flat32();
        long pdpt = 0x70000;
        long pd = 0x71000;
        t.memory.write64(pdpt, pd | 1);
        t.memory.write64(pd, 0x83);                              // 0-2 MiB
        t.memory.write64(pd + 8, 0x20_0083L | (1L << 63));      // 2-4 MiB, no-execute
        t.s.cr3 = pdpt;
        t.s.cr4 = CpuState.CR4_PAE;
        t.s.efer = CpuState.EFER_NXE;
        t.s.cr0 |= CpuState.CR0_PG;
        t.exitOnException = 14;
        t.load(0x1000, 0xA1, 0x00, 0x00, 0x20, 0x00, 0xE9, 0xF6, 0xEF, 0x1F, 0x00); // mov eax,[0x200000]; jmp 0x200000
        t.memory.write32(0x20_0000, 0xABCD);
        assertEquals(StopReason.EXIT, t.at(0x1000).run(10));
        assertEquals(0xABCD, t.s.gpr[0]);
        assertEquals(List.of("exception 14 err=true/11 cr2=200000"), t.log);
    }

    @Test
    void legacy32BitPagingWith4MAndNotPresent() {
        TestMachine t = new TestMachine(dev.hve.emulator.cpuid.CpuModels.intel(), 16 << 20).flat32();
        t.memory.write32(0x70000, 0x83);                 // 0-4 MiB, 4 MiB page
        t.memory.write32(0x70004, 0x71000 | 3);          // 4-8 MiB through a page table
        t.memory.write32(0x71000 + 4 * 2, 0x40_2000 | 3); // only 4 MiB + 8 KiB is present
        t.s.cr3 = 0x70000;
        t.s.cr4 = CpuState.CR4_PSE;
        t.s.cr0 |= CpuState.CR0_PG;
        t.exitOnException = 14;
        t.memory.write32(0x40_2010, 77);
        t.load(0x1000, 0x8B, 0x43, 0x10, 0x8B, 0x01);    // mov eax,[ebx+0x10]; mov eax,[ecx]
        t.s.gpr[3] = 0x40_2000;
        t.s.gpr[1] = 0x40_3000;
        assertEquals(StopReason.EXIT, t.at(0x1000).run(10));
        assertEquals(77, t.s.gpr[0]);
        assertEquals(List.of("exception 14 err=true/0 cr2=403000"), t.log);
        assertTrue((t.memory.read32(0x70000) & 0x20) != 0, "4 MiB PDE accessed by the fetch");
    }

    @Test
    void oneGigabytePage() {
        TestMachine t = new TestMachine().long64();
        t.memory.write64(0x71000 + 8, 0x4000_0000L | 0x83); // PDPT[1]: 1 GiB page at 1 GiB -> itself
        t.mmioStart = 0x4000_0000L;
        t.load(0x1000, 0x8B, 0x03);
        t.s.gpr[3] = 0x4000_1234L;
        assertEquals(StopReason.EXIT, t.at(0x1000).run(10));
        assertEquals(List.of("npf gpa=40001234 access=17 linear=40001234"), t.log, "1 GiB page maps through");
    }

    /** PAE paging at 0x70000 (PDPT) / 0x71000 (PD) with 2 MiB pages; a second PD at 0x72000. */
    private static TestMachine pae(dev.hve.emulator.cpuid.CpuModel model) {
        TestMachine t = new TestMachine(model, 16 << 20).flat32();
        t.memory.write64(0x70000, 0x71000 | 1);
        t.memory.write64(0x71000, 0x83);
        t.memory.write64(0x71008, 0x20_0083L);
        t.memory.write64(0x72000, 0x83);
        t.memory.write64(0x72008, 0x40_0083L); // the alternative PD maps 2-4 MiB to 4-6 MiB
        t.s.cr3 = 0x70000;
        t.s.cr4 = CpuState.CR4_PAE;
        t.s.cr0 |= CpuState.CR0_PG;
        t.memory.write32(0x20_0000, 0x1111);
        t.memory.write32(0x40_0000, 0x2222);
        return t;
    }

    @Test
    void intelLoadsPdptesAtCr3WritesAndFaultsOnReservedBits() {
        TestMachine t = pae(dev.hve.emulator.cpuid.CpuModels.intel());
        t.exitOnException = 13;
        // Point PDPTE0 at the other PD without reloading CR3: the Intel model keeps its PDPTE register.
        t.load(0x1000,
            0xC7, 0x05, 0x00, 0x00, 0x07, 0x00, 0x01, 0x20, 0x07, 0x00, // mov dword [0x70000], 0x72001
            0x8B, 0x1D, 0x00, 0x00, 0x20, 0x00,                         // mov ebx, [0x200000]
            0x0F, 0x20, 0xD8, 0x0F, 0x22, 0xD8,                         // mov eax, cr3; mov cr3, eax
            0x8B, 0x0D, 0x00, 0x00, 0x20, 0x00,                         // mov ecx, [0x200000]
            0xC7, 0x05, 0x04, 0x00, 0x07, 0x00, 0x00, 0x00, 0x10, 0x00, // set a reserved bit in PDPTE0
            0x0F, 0x22, 0xD8,                                           // mov cr3, eax: #GP
            0xF4);
        assertEquals(StopReason.EXIT, t.at(0x1000).run(20));
        assertEquals(0x1111, t.s.gpr[3], "stale PDPTE register until CR3 is written");
        assertEquals(0x2222, t.s.gpr[1], "reloaded by MOV CR3");
        assertEquals(List.of("exception 13 err=true/0 cr2=0"), t.log);
        assertEquals(0x1000 + 38, t.s.rip, "the faulting MOV CR3");
    }

    @Test
    void amdReadsPdptesOnEveryWalk() {
        TestMachine t = pae(dev.hve.emulator.cpuid.CpuModels.amd());
        t.load(0x1000,
            0xC7, 0x05, 0x00, 0x00, 0x07, 0x00, 0x01, 0x20, 0x07, 0x00, // mov dword [0x70000], 0x72001
            0x0F, 0x01, 0x3D, 0x00, 0x00, 0x20, 0x00,                   // invlpg [0x200000]
            0x8B, 0x1D, 0x00, 0x00, 0x20, 0x00,                         // mov ebx, [0x200000]
            0xF4);
        t.at(0x1000).run(20);
        assertEquals(0x2222, t.s.gpr[3]);
    }
}
