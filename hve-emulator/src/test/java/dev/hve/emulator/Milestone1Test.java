package dev.hve.emulator;

import dev.hve.emulator.cpu.EventType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hve.emulator.cpu.CpuState;
import org.junit.jupiter.api.Test;

/** The walking-skeleton subset in 32-bit flat protected mode, with hand-assembled code. */
class Milestone1Test {

    private TestMachine m() {
        return new TestMachine().flat32();
    }

    @Test
    void movAluAndFlags() {
        TestMachine t = m();
        t.load(0x1000,
            0xB8, 0xFF, 0xFF, 0xFF, 0x7F,       // mov eax, 0x7fffffff
            0x83, 0xC0, 0x01,                   // add eax, 1
            0x89, 0xC3,                         // mov ebx, eax
            0x31, 0xC9,                         // xor ecx, ecx
            0xF4);                              // hlt
        t.at(0x1000).run(100);
        assertEquals(0x8000_0000L, t.s.gpr[0]);
        assertEquals(0x8000_0000L, t.s.gpr[3]);
        assertTrue(t.s.halted);
        assertEquals(0x100D, t.s.rip);
        long f = t.s.rflags;
        assertTrue((f & CpuState.ZF) != 0, "xor sets ZF");
        assertTrue((f & CpuState.OF) == 0 && (f & CpuState.CF) == 0);
        assertEquals(5, t.core.retiredInstructions());
    }

    @Test
    void addOverflowFlags() {
        TestMachine t = m();
        t.load(0x1000, 0xB8, 0xFF, 0xFF, 0xFF, 0x7F, 0x83, 0xC0, 0x01, 0xF4);
        t.at(0x1000).run(2);
        long f = t.s.rflags;
        assertTrue((f & CpuState.OF) != 0);
        assertTrue((f & CpuState.SF) != 0);
        assertTrue((f & CpuState.AF) != 0);
        assertTrue((f & CpuState.PF) != 0);
        assertTrue((f & CpuState.CF) == 0);
        assertTrue((f & CpuState.ZF) == 0);
    }

    @Test
    void memoryFormsPushPopCallRet() {
        TestMachine t = m();
        t.load(0x1000,
            0xC7, 0x05, 0x00, 0x20, 0x00, 0x00, 0x34, 0x12, 0x00, 0x00, // mov dword [0x2000], 0x1234
            0xA1, 0x00, 0x20, 0x00, 0x00,                               // mov eax, [0x2000]
            0x0F, 0xB6, 0x1D, 0x01, 0x20, 0x00, 0x00,                   // movzx ebx, byte [0x2001]
            0x0F, 0xBE, 0x0D, 0x00, 0x20, 0x00, 0x00,                   // movsx ecx, byte [0x2000]
            0x8D, 0x54, 0x98, 0x10,                                     // lea edx, [eax+ebx*4+0x10]
            0x50,                                                       // push eax
            0x5E,                                                       // pop esi
            0xE8, 0x01, 0x00, 0x00, 0x00,                               // call +1
            0xF4,                                                       // hlt
            0x47,                                                       // inc edi
            0xC3);                                                      // ret
        t.at(0x1000).run(100);
        assertEquals(0x1234, t.s.gpr[0]);
        assertEquals(0x12, t.s.gpr[3]);
        assertEquals(0x34, t.s.gpr[1]);
        assertEquals(0x1234 + 0x12 * 4 + 0x10, t.s.gpr[2]);
        assertEquals(0x1234, t.s.gpr[6]);
        assertEquals(1, t.s.gpr[7]);
        assertEquals(0x8000, t.s.gpr[4]);
        assertTrue(t.s.halted);
    }

    @Test
    void loopAndJcc() {
        TestMachine t = m();
        t.load(0x1000,
            0xB9, 0x05, 0x00, 0x00, 0x00, // mov ecx, 5
            0x31, 0xC0,                   // xor eax, eax
            0x01, 0xC8,                   // L: add eax, ecx
            0xE2, 0xFC,                   // loop L
            0x83, 0xF8, 0x0F,             // cmp eax, 15
            0x75, 0x01,                   // jne +1
            0x43,                         // inc ebx
            0xF4);
        t.at(0x1000).run(100);
        assertEquals(15, t.s.gpr[0]);
        assertEquals(1, t.s.gpr[3]);
    }

    @Test
    void shiftsNotNegTest() {
        TestMachine t = m();
        t.load(0x1000,
            0xB8, 0x81, 0x00, 0x00, 0x00, // mov eax, 0x81
            0xD1, 0xE0,                   // shl eax, 1
            0xC1, 0xE8, 0x04,             // shr eax, 4
            0xF7, 0xD8,                   // neg eax
            0xF7, 0xD0,                   // not eax
            0xA9, 0x10, 0x00, 0x00, 0x00, // test eax, 0x10
            0xF4);
        t.at(0x1000).run(100);
        assertEquals(0x0F, t.s.gpr[0]); // ((0x81<<1)>>4) = 0x10; neg = -0x10; not = 0xF
        assertTrue((t.s.rflags & CpuState.ZF) != 0);
    }

    @Test
    void portIoAndStringOutput() {
        TestMachine t = m();
        t.load(0x2000, 'H', 'i', '!');
        t.load(0x1000,
            0xFC,                         // cld
            0xBE, 0x00, 0x20, 0x00, 0x00, // mov esi, 0x2000
            0xB9, 0x03, 0x00, 0x00, 0x00, // mov ecx, 3
            0x66, 0xBA, 0xF8, 0x03,       // mov dx, 0x3f8
            0xAC,                         // L: lodsb
            0xEE,                         // out dx, al
            0xE2, 0xFC,                   // loop L
            0xB0, 0x0A,                   // mov al, 10
            0xE6, 0x80,                   // out 0x80, al
            0xE4, 0x60,                   // in al, 0x60
            0xB9, 0x02, 0x00, 0x00, 0x00, // mov ecx, 2
            0xBE, 0x00, 0x20, 0x00, 0x00, // mov esi, 0x2000
            0xF3, 0x6E,                   // rep outsb
            0xF4);
        t.at(0x1000).run(1000);
        assertEquals("Hi!", t.output.toString());
        assertEquals(0xFF, t.s.gpr[0] & 0xFF);
        assertTrue(t.log.contains("io port=80 size=1 in=false string=false rep=false imm=true len=2"));
        assertTrue(t.log.contains("io port=3f8 size=1 in=false string=true rep=true imm=false len=2"));
        assertEquals(0, t.s.gpr[1]);
        assertEquals(0x2002, t.s.gpr[6]);
    }

    @Test
    void ioExitLeavesRipAtInstruction() {
        TestMachine t = m();
        t.exitOnIo = true;
        t.load(0x1000, 0x90, 0xE6, 0x80, 0xF4);
        assertEquals(StopReason.EXIT, t.at(0x1000).run(100));
        assertEquals(0x1001, t.s.rip);
        assertEquals(1, t.core.retiredInstructions());
        assertEquals(2, t.core.instructionLength());
        assertEquals(0x1003, t.core.nextRip());
    }

    @Test
    void repStosAndMovs() {
        TestMachine t = m();
        t.load(0x1000,
            0xB0, 0xAB,                   // mov al, 0xab
            0xBF, 0x00, 0x30, 0x00, 0x00, // mov edi, 0x3000
            0xB9, 0x10, 0x00, 0x00, 0x00, // mov ecx, 16
            0xF3, 0xAA,                   // rep stosb
            0xBE, 0x00, 0x30, 0x00, 0x00, // mov esi, 0x3000
            0xBF, 0x00, 0x40, 0x00, 0x00, // mov edi, 0x4000
            0xB9, 0x04, 0x00, 0x00, 0x00, // mov ecx, 4
            0xF3, 0xA5,                   // rep movsd
            0xF4);
        t.at(0x1000).run(1000);
        for (int i = 0; i < 16; i++) {
            assertEquals(0xAB, t.memory.read8(0x4000 + i));
        }
        assertEquals(0, t.memory.read8(0x4010));
        assertEquals(0x4010, t.s.gpr[7]);
    }

    @Test
    void cpuidHooksAndModel() {
        TestMachine t = m();
        t.load(0x1000, 0x31, 0xC0, 0x0F, 0xA2, 0xF4);
        t.at(0x1000).run(100);
        assertTrue(t.log.contains("cpuid len=2"));
        assertEquals(0x756E_6547L, t.s.gpr[3]); // "Genu"
        TestMachine u = m();
        u.exitOnCpuid = true;
        u.load(0x1000, 0x31, 0xC0, 0x0F, 0xA2, 0xF4);
        assertEquals(StopReason.EXIT, u.at(0x1000).run(100));
        assertEquals(0x1002, u.s.rip);
    }

    @Test
    void hltConsumesBudgetUntilEvent() {
        TestMachine t = m();
        t.load(0x1000, 0xF4, 0x90);
        assertEquals(StopReason.BUDGET_EXHAUSTED, t.at(0x1000).run(10));
        assertTrue(t.s.halted);
        assertEquals(0x1001, t.s.rip);
        assertEquals(1, t.core.retiredInstructions());
        assertEquals(StopReason.BUDGET_EXHAUSTED, t.run(10));
        assertEquals(1, t.core.retiredInstructions());
        TestMachine u = m();
        u.exitOnHlt = true;
        u.load(0x1000, 0xF4);
        assertEquals(StopReason.EXIT, u.at(0x1000).run(10));
        assertFalse(u.s.halted);
        assertEquals(0x1000, u.s.rip);
    }

    @Test
    void cliStiCldStd() {
        TestMachine t = m();
        t.load(0x1000, 0xFB, 0xFD, 0xF4);
        t.at(0x1000).run(1);
        assertTrue((t.s.rflags & CpuState.IF) != 0);
        assertTrue(t.s.interruptShadow);
        assertFalse(t.core.interruptible());
        t.run(1);
        assertFalse(t.s.interruptShadow);
        assertTrue((t.s.rflags & CpuState.DF) != 0);
        t.load(0x1003, 0xFA, 0xFC, 0xF4);
        t.at(0x1003).run(3);
        assertEquals(0, t.s.rflags & (CpuState.IF | CpuState.DF));
    }

    @Test
    void msrModelAndHook() {
        TestMachine t = m();
        t.load(0x1000,
            0xB9, 0x81, 0x00, 0x00, 0xC0, // mov ecx, 0xc0000081 (STAR)
            0xB8, 0x78, 0x56, 0x34, 0x12, // mov eax, 0x12345678
            0xBA, 0x11, 0x00, 0x00, 0x00, // mov edx, 0x11
            0x0F, 0x30,                   // wrmsr
            0x31, 0xC0, 0x31, 0xD2,       // xor eax,eax; xor edx,edx
            0x0F, 0x32,                   // rdmsr
            0xF4);
        t.at(0x1000).run(100);
        assertEquals(0x11_1234_5678L, t.s.star);
        assertEquals(0x1234_5678L, t.s.gpr[0]);
        assertEquals(0x11, t.s.gpr[2]);
        assertTrue(t.log.contains("msr write=true ecx=c0000081"));
    }

    @Test
    void unknownMsrRaisesGp() {
        TestMachine t = m();
        t.load(0x1000, 0xB9, 0x34, 0x12, 0x00, 0x00, 0x0F, 0x32);
        t.exitOnException = 13;
        assertEquals(StopReason.EXIT, t.at(0x1000).run(100));
        assertEquals(0x1005, t.s.rip);
        assertTrue(t.log.contains("exception 13 err=true/0 cr2=0"));
    }

    @Test
    void hypercallsExitOrUd() {
        TestMachine t = m();
        t.exitOnHypercall = true;
        t.load(0x1000, 0x0F, 0x01, 0xC1, 0x0F, 0x01, 0xD9);
        assertEquals(StopReason.EXIT, t.at(0x1000).run(10));
        assertTrue(t.log.contains("hypercall VMCALL len=3"));
        t.at(0x1003).run(10);
        assertTrue(t.log.contains("hypercall VMMCALL len=3"));
        TestMachine u = m();
        u.exitOnException = 6;
        u.load(0x1000, 0x0F, 0x01, 0xD9);
        assertEquals(StopReason.EXIT, u.at(0x1000).run(10));
        assertTrue(u.log.contains("exception 6 err=false/0 cr2=0"));
    }

    @Test
    void externalInterruptThroughIdt() {
        TestMachine t = m();
        t.gate32(0x5000, 0x20, 0x3000, 0);
        t.s.idtrBase = 0x5000;
        t.s.idtrLimit = 0x7FF;
        t.flatGdt(0x6000);
        t.load(0x3000, 0x43, 0xCF);        // handler: inc ebx; iret
        t.load(0x1000, 0x90, 0x90, 0xF4);
        t.s.rflags |= CpuState.IF;
        t.at(0x1000).run(1);
        assertTrue(t.core.interruptible());
        assertTrue(t.core.deliverEvent(EventType.EXTERNAL_INTERRUPT, 0x20, false, 0, 0));
        assertEquals(0x3000, t.s.rip);
        assertEquals(0, t.s.rflags & CpuState.IF);
        assertEquals(0x8000 - 12, t.s.gpr[4]);
        assertEquals(0x1001, t.memory.read32(0x8000 - 12));
        assertEquals(0x08, t.memory.read32(0x8000 - 8));
        t.run(2);
        assertEquals(1, t.s.gpr[3]);
        assertEquals(0x1001, t.s.rip);
        assertTrue((t.s.rflags & CpuState.IF) != 0);
        assertEquals(0x8000, t.s.gpr[4]);
    }

    @Test
    void exceptionWithErrorCodeThroughIdt() {
        TestMachine t = m();
        t.flatGdt(0x6000);
        t.gate32(0x5000, 13, 0x3000, 0);
        t.s.idtrBase = 0x5000;
        t.s.idtrLimit = 0x7FF;
        t.load(0x3000, 0xF4);
        t.load(0x1000, 0xB9, 0x34, 0x12, 0x00, 0x00, 0x0F, 0x32); // rdmsr of an unknown MSR
        t.at(0x1000).run(10);
        assertEquals(0x3001, t.s.rip);
        assertEquals(0, t.memory.read32(0x8000 - 16));      // error code
        assertEquals(0x1005, t.memory.read32(0x8000 - 12)); // faulting EIP
    }

    @Test
    void readLinearReadsGuestMemory() {
        TestMachine t = m();
        t.load(0x1234, 1, 2, 3, 4);
        byte[] b = new byte[4];
        assertEquals(4, t.core.readLinear(0x1234, b, 4));
        assertEquals(3, b[2]);
        assertEquals(0, t.core.readLinear(t.ramSize + 0x1000, b, 4));
    }

    @Test
    void mmioExitOnDataAccess() {
        TestMachine t = m();
        t.mmioStart = 0x30_0000;
        t.load(0x1000, 0x89, 0x05, 0x00, 0x00, 0x30, 0x00, 0xF4); // mov [0x300000], eax
        assertEquals(StopReason.EXIT, t.at(0x1000).run(10));
        assertEquals(0x1000, t.s.rip);
        assertEquals(0x30_0000, t.core.faultingLinearAddress());
        assertTrue(t.log.get(0).startsWith("npf gpa=300000 access=18"));
    }
}
