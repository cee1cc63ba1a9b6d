package dev.hve.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hve.emulator.cpu.CpuState;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Per-instruction results and flags for the instructions the host-CPU oracle does not cover (BCD,
 * string forms with 16-bit addressing, stack frames, exchanges, far transfers, descriptor
 * instructions, fast system calls), assembled with GNU as in 16-, 32- and 64-bit code.
 */
class InstructionTest {

    private static final int CODE = 0x1000;

    /** Assembles {@code asm} (Intel syntax) for the machine's mode, runs it until HLT. */
    private static TestMachine run(TestMachine t, String asm) throws Exception {
        String bits = t.s.mode64() ? ".code64" : t.s.codeSize() == 4 ? ".code32" : ".code16";
        byte[] code = GuestImages.assemble(".intel_syntax noprefix\n" + bits + "\n.globl _start\n_start:\n" + asm
            + "\nhlt\n", CODE);
        t.memory.writeBytes(CODE, code, 0, code.length);
        t.s.rip = CODE;
        t.s.halted = false;
        StopReason stop = t.run(10_000);
        assertTrue(t.s.halted, () -> "did not reach HLT: " + stop + " rip " + Long.toHexString(t.s.rip) + " " + t.log);
        return t;
    }

    private static TestMachine m32() {
        TestMachine t = new TestMachine().flat32();
        t.flatGdt(0x6000);
        t.exitOnException = -2;
        return t;
    }

    private static TestMachine m16() {
        TestMachine t = new TestMachine().real();
        t.exitOnException = -2;
        return t;
    }

    private static TestMachine m64() {
        TestMachine t = new TestMachine().long64();
        t.exitOnException = -2;
        return t;
    }

    private static boolean flag(TestMachine t, long f) {
        return (t.s.rflags & f) != 0;
    }

    @Test
    void bcdAdjustments() throws Exception {
        TestMachine t = run(m32(), "mov al, 0x79\n add al, 0x35\n daa\n mov bl, al\n mov al, 0x35\n sub al, 0x47\n das\n mov cl, al");
        assertEquals(0x14, t.s.gpr[3] & 0xFF);
        assertEquals(0x88, t.s.gpr[1] & 0xFF);
        assertTrue(flag(t, CpuState.CF), "35 - 47 borrows");
        t = run(m32(), "mov ax, 0x0009\n add al, 5\n aaa\n mov bx, ax\n mov ax, 0x0102\n sub al, 5\n aas");
        assertEquals(0x0104, t.s.gpr[3] & 0xFFFF);
        assertEquals(0x0007, t.s.gpr[0] & 0xFFFF);
        t = run(m32(), "mov al, 77\n aam\n mov bx, ax\n mov ax, 0x0705\n aad");
        assertEquals(0x0707, t.s.gpr[3] & 0xFFFF);
        assertEquals(75, t.s.gpr[0] & 0xFFFF);
    }

    @Test
    void repeatedStringsWith16BitAddressing() throws Exception {
        TestMachine t = m16();
        t.load(0x2000, 'a', 'b', 'c', 'd', 0);
        t.load(0x3000, 'a', 'b', 'x', 'd', 0);
        run(t, "cld\n mov si, 0x2000\n mov di, 0x3000\n mov cx, 5\n repe cmpsb\n mov bx, cx\n"
            + "mov di, 0x2000\n mov al, 0\n mov cx, 100\n repne scasb\n mov dx, di");
        assertEquals(2, t.s.gpr[3] & 0xFFFF, "stopped after the mismatch at index 2");
        assertEquals(0x2005, t.s.gpr[2] & 0xFFFF, "DI after the NUL");
        run(t, "std\n mov si, 0x2003\n mov di, 0x4003\n mov cx, 4\n rep movsb\n cld");
        assertEquals('a', t.memory.read8(0x4000));
        assertEquals('d', t.memory.read8(0x4003));
        assertEquals(0x1FFF, t.s.gpr[6] & 0xFFFF);
    }

    @Test
    void repWithZeroCountDoesNothing() throws Exception {
        TestMachine t = run(m32(), "mov edi, 0x5000\n xor ecx, ecx\n mov al, 9\n rep stosb");
        assertEquals(0, t.memory.read8(0x5000));
        assertEquals(0x5000, t.s.gpr[7]);
    }

    @Test
    void repStringInterruptedByBudgetResumes() throws Exception {
        TestMachine t = m32();
        byte[] code = GuestImages.assemble(".intel_syntax noprefix\n.code32\n.globl _start\n_start:\n"
            + "mov edi, 0x5000\n mov ecx, 10\n mov al, 7\n rep stosb\n hlt\n", CODE);
        t.memory.writeBytes(CODE, code, 0, code.length);
        t.at(CODE).run(3 + 4);
        assertEquals(6, t.s.gpr[1], "four iterations done, RIP still on REP STOSB");
        assertEquals(3, t.core.retiredInstructions());
        t.run(100);
        assertEquals(0, t.s.gpr[1]);
        assertEquals(7, t.memory.read8(0x5009));
        assertEquals(5, t.core.retiredInstructions());
    }

    @Test
    void enterLeaveAndNesting() throws Exception {
        TestMachine t = run(m32(), "mov esp, 0x8000\n mov ebp, 0x7777\n enter 16, 0\n mov eax, esp\n mov ebx, ebp\n leave\n"
            + "mov ecx, ebp\n mov edx, esp\n enter 8, 2\n mov esi, esp\n leave");
        assertEquals(0x8000 - 4 - 16, t.s.gpr[0]);
        assertEquals(0x8000 - 4, t.s.gpr[3]);
        assertEquals(0x7777, t.s.gpr[1]);
        assertEquals(0x8000, t.s.gpr[2]);
        assertEquals(0x8000 - 4 - 4 - 4 - 8, t.s.gpr[6], "push ebp, one copied frame pointer, the new frame, locals");
        assertEquals(0x8000, t.s.gpr[4]);
    }

    @Test
    void exchangesAndCompareExchange() throws Exception {
        TestMachine t = run(m64(), "mov qword ptr [0x5000], 5\n mov rax, 5\n mov rcx, 9\n lock cmpxchg [0x5000], rcx\n"
            + "setz bl\n mov rax, 1\n lock cmpxchg [0x5000], rcx\n setz bh\n mov rdx, 3\n lock xadd [0x5000], rdx");
        assertEquals(1, t.s.gpr[3] & 0xFF);
        assertEquals(0, (t.s.gpr[3] >>> 8) & 0xFF);
        assertEquals(9, t.s.gpr[0], "failed CMPXCHG loads the accumulator");
        assertEquals(9, t.s.gpr[2], "XADD returns the old value");
        assertEquals(12, t.memory.read64(0x5000));
    }

    @Test
    void cmpxchg8bAnd16b() throws Exception {
        TestMachine t = m64();
        t.memory.write64(0x5000, 0x1111_2222_3333_4444L);
        t.memory.write64(0x5008, 0x5555_6666_7777_8888L);
        run(t, "mov eax, 0x33334444\n mov edx, 0x11112222\n mov ebx, 0xAAAA\n mov ecx, 0xBBBB\n cmpxchg8b [0x5000]\n setz sil\n"
            + "mov rax, 0x1111222233334444\n mov rdx, 0x5555666677778888\n mov rbx, 1\n mov rcx, 2\n cmpxchg16b [0x5000]\n setz dil");
        assertEquals(1, t.s.gpr[6] & 0xFF);
        assertEquals(0, t.s.gpr[7] & 0xFF, "memory changed by the 8-byte exchange");
        assertEquals(0x0000_BBBB_0000_AAAAL, t.s.gpr[0]);
        assertEquals(0x5555_6666_7777_8888L, t.s.gpr[2]);
    }

    @Test
    void cmpxchg16bMisalignedIsGp() throws Exception {
        TestMachine t = m64();
        t.exitOnException = 13;
        byte[] code = GuestImages.assemble(".intel_syntax noprefix\n.code64\n.globl _start\n_start:\n cmpxchg16b [0x5008]\n", CODE);
        t.memory.writeBytes(CODE, code, 0, code.length);
        assertEquals(StopReason.EXIT, t.at(CODE).run(10));
        assertEquals(List.of("exception 13 err=true/0 cr2=0"), t.log);
    }

    @Test
    void byteSwapsAndConditionalMoves() throws Exception {
        TestMachine t = run(m64(), "mov eax, 0x11223344\n bswap eax\n mov rbx, 0x0102030405060708\n bswap rbx\n"
            + "mov dword ptr [0x5000], 0xAABBCCDD\n movbe ecx, [0x5000]\n cmp eax, 0\n mov edx, 1\n mov esi, 2\n cmovg edx, esi\n"
            + "setl dil\n xor r8, r8\n mov r9, -1\n cmovl r8, r9");
        assertEquals(0x4433_2211L, t.s.gpr[0] & 0xFFFF_FFFFL);
        assertEquals(0x0807_0605_0403_0201L, t.s.gpr[3]);
        assertEquals(0xDDCC_BBAAL, t.s.gpr[1]);
        assertEquals(2, t.s.gpr[2]);
        assertEquals(0, t.s.gpr[7] & 0xFF);
        assertEquals(0, t.s.gpr[8]);
    }

    @Test
    void pushaPopaAndFlagsInstructions() throws Exception {
        TestMachine t = run(m32(), "mov esp, 0x8000\n mov eax, 1\n mov ebx, 2\n pusha\n xor eax, eax\n xor ebx, ebx\n popa\n"
            + "stc\n pushf\n pop ecx\n lahf\n mov dl, ah\n cmc\n mov esi, eax");
        assertEquals(1, t.s.gpr[6] & 0xFF);
        assertEquals(2, t.s.gpr[3]);
        assertEquals(0x8000, t.s.gpr[4]);
        assertTrue((t.s.gpr[1] & 1) != 0, "CF in pushed flags");
        assertEquals(0x03, t.s.gpr[2] & 0x03, "LAHF: CF and the always-one bit");
        assertFalse(flag(t, CpuState.CF));
    }

    @Test
    void xlatLooksUpAlInTheTable() throws Exception {
        TestMachine t = m32();
        t.memory.write8(0x5003, 0x42);
        run(t, "mov ebx, 0x5000\n mov eax, 0x1103\n xlat");
        assertEquals(0x1142, t.s.gpr[0]);
    }

    @Test
    void sixteenBitOperandsIn32BitCode() throws Exception {
        TestMachine t = run(m32(), "mov eax, 0xFFFF0000\n add ax, 0xFFFF\n mov ebx, eax\n mov ecx, 0x12345678\n"
            + "movzx edx, cx\n movsx esi, cl\n push word ptr 0x1234\n pop di");
        assertEquals(0xFFFF_FFFFL, t.s.gpr[3]);
        assertEquals(0x5678, t.s.gpr[2]);
        assertEquals(0x78, t.s.gpr[6]);
        assertEquals(0x1234, t.s.gpr[7] & 0xFFFF);
        assertEquals(0x8000, t.s.gpr[4]);
    }

    @Test
    void sixtyFourBitSpecifics() throws Exception {
        TestMachine t = run(m64(), "mov rax, -1\n mov eax, 5\n mov rbx, -1\n mov bx, 7\n mov rcx, 0x100\n movsxd rdx, ecx\n"
            + "mov r9, 0x12\n mov r9b, 0x34\n mov sil, 0x56\n lea r10, [rip+0]\n mov r11, 0x8000000000000000\n push r11\n pop r12");
        assertEquals(5, t.s.gpr[0], "32-bit writes zero-extend");
        assertEquals(0xFFFF_FFFF_FFFF_0007L, t.s.gpr[3], "16-bit writes merge");
        assertEquals(0x100, t.s.gpr[2]);
        assertEquals(0x34, t.s.gpr[9]);
        assertEquals(0x56, t.s.gpr[6] & 0xFF);
        assertTrue(t.s.gpr[10] > CODE && t.s.gpr[10] < CODE + 100);
        assertEquals(0x8000_0000_0000_0000L, t.s.gpr[12]);
    }

    @Test
    void indirectBranchesAndPushUse64BitOperandsIn64BitMode() throws Exception {
        TestMachine t = run(m64(), "mov rsp, 0x8000\n lea rax, [rip+target]\n mov [0x5000], rax\n"
            + "mov rbx, 0x1122334455667788\n mov [0x5008], rbx\n call qword ptr [0x5000]\n jmp done\n"
            + "target: mov rcx, rsp\n push qword ptr [0x5008]\n pop rdx\n ret\n done:");
        assertEquals(0x8000 - 8, t.s.gpr[1], "CALL pushed 8 bytes");
        assertEquals(0x1122_3344_5566_7788L, t.s.gpr[2]);
        assertEquals(0x8000, t.s.gpr[4]);
    }

    @Test
    void farJumpCallAndReturnIn32BitProtectedMode() throws Exception {
        TestMachine t = run(m32(), "mov esp, 0x8000\n call 0x08:far_target\n mov ebx, 7\n jmp done\n"
            + "far_target: mov eax, cs\n retf\n done:");
        assertEquals(0x08, t.s.gpr[0] & 0xFFFF);
        assertEquals(7, t.s.gpr[3]);
        assertEquals(0x8000, t.s.gpr[4]);
    }

    @Test
    void farJumpToNullSelectorIsGp() throws Exception {
        TestMachine t = m32();
        t.exitOnException = 13;
        byte[] code = GuestImages.assemble(".intel_syntax noprefix\n.code32\n.globl _start\n_start:\n ljmp 0x00, 0x1234\n", CODE);
        t.memory.writeBytes(CODE, code, 0, code.length);
        assertEquals(StopReason.EXIT, t.at(CODE).run(10));
        assertEquals(List.of("exception 13 err=true/0 cr2=0"), t.log);
    }

    @Test
    void descriptorInstructions() throws Exception {
        TestMachine t = run(m32(), "sgdt [0x5000]\n sidt [0x5010]\n mov ax, 0x10\n lar ebx, ax\n lsl ecx, ax\n"
            + "verr ax\n setz dl\n mov ax, 0x08\n verw ax\n setz dh\n mov ax, 0x99\n lar esi, ax\n setz al\n str di\n smsw bp");
        assertEquals(0x2F, t.memory.read16(0x5000));
        assertEquals(0x6000, t.memory.read32(0x5002));
        assertEquals(0x00C0_9300L, t.s.gpr[3] & 0xFFFF_FFFFL, "LAR: access rights (mask 00F0FF00h) of the flat data segment");
        assertEquals(0xFFFF_FFFFL, t.s.gpr[1] & 0xFFFF_FFFFL, "LSL: byte-granular limit");
        assertEquals(1, t.s.gpr[2] & 0xFF, "VERR data");
        assertEquals(0, (t.s.gpr[2] >>> 8) & 0xFF, "VERW code");
        assertEquals(0, t.s.gpr[0] & 0xFF, "LAR beyond the GDT clears ZF");
        assertEquals(0x11, t.s.gpr[5] & 0xFFFF, "SMSW: PE and ET");
    }

    @Test
    void rdtscIsVirtualTime() throws Exception {
        TestMachine t = run(m64(), "rdtsc\n mov ebx, eax\n nop\n nop\n rdtscp");
        assertEquals(4, (t.s.gpr[0] & 0xFFFF_FFFFL) - t.s.gpr[3], "retired instructions between the reads");
    }

    @Test
    void swapgsAndFsGsBaseMsrs() throws Exception {
        TestMachine t = run(m64(), "mov ecx, 0xC0000101\n mov eax, 0x1000\n xor edx, edx\n wrmsr\n"
            + "mov ecx, 0xC0000102\n mov eax, 0x2000\n wrmsr\n swapgs\n mov rbx, gs:[0x10]");
        assertEquals(0x2000, t.s.segmentBase[CpuState.GS]);
        assertEquals(0x1000, t.s.kernelGsBase);
    }

    @Test
    void sysenterAndSysexit() throws Exception {
        TestMachine t = run(m32(), "mov ecx, 0x174\n mov eax, 0x08\n xor edx, edx\n wrmsr\n mov ecx, 0x175\n mov eax, 0x7000\n wrmsr\n"
            + "mov ecx, 0x176\n mov eax, offset kernel\n wrmsr\n mov ecx, 0x6800\n mov edx, offset back\n sysexit\n"
            + "back: mov esi, cs\n sysenter\n kernel: mov edi, cs\n mov ebp, esp");
        assertEquals(0x1B, t.s.gpr[6] & 0xFFFF, "SYSEXIT to CS = SYSENTER_CS + 16 | 3");
        assertEquals(0x08, t.s.gpr[7] & 0xFFFF, "SYSENTER to CS = SYSENTER_CS");
        assertEquals(0x7000, t.s.gpr[5]);
        assertEquals(0, t.s.cpl);
    }

    @Test
    void popfRespectsIoplAndCpl() throws Exception {
        TestMachine t = m32();
        run(t, "push 0x3202\n popf\n pushf\n pop eax");
        assertEquals(0x3202, t.s.gpr[0] & 0x3202, "CPL 0 may set IOPL and IF");
    }

    @Test
    void lockOnRegisterDestinationIsUd() throws Exception {
        TestMachine t = m32();
        t.exitOnException = 6;
        t.load(CODE, 0xF0, 0x01, 0xD8); // lock add eax, ebx
        assertEquals(StopReason.EXIT, t.at(CODE).run(10));
        assertEquals(List.of("exception 6 err=false/0 cr2=0"), t.log);
    }

    @Test
    void fifteenByteLimitIsGp() {
        TestMachine t = m32();
        t.exitOnException = 13;
        t.load(CODE, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x05, 0x01, 0x02, 0xF4);
        assertEquals(StopReason.EXIT, t.at(CODE).run(10));
        assertEquals(List.of("exception 13 err=true/0 cr2=0"), t.log);
        TestMachine u = m32();
        u.load(CODE, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x05, 0x01, 0x02, 0xF4);
        u.at(CODE).run(10);
        assertEquals(0x0201, u.s.gpr[0], "15 bytes is fine");
    }

    @Test
    void invalidOpcodesAreUd() {
        int[][] cases = {{0x0F, 0x0B}, {0x0F, 0xFF, 0xC0}, {0xD6}, {0x0F, 0x04}, {0xFE, 0xD0}, {0x8E, 0xC8}};
        for (int[] bytes : cases) {
            TestMachine t = m32();
            t.exitOnException = 6;
            t.load(CODE, bytes);
            assertEquals(StopReason.EXIT, t.at(CODE).run(10), () -> java.util.Arrays.toString(bytes));
            assertEquals(List.of("exception 6 err=false/0 cr2=0"), t.log);
        }
        TestMachine t = m64();
        t.exitOnException = 6;
        t.load(CODE, 0x06); // PUSH ES is invalid in 64-bit mode
        assertEquals(StopReason.EXIT, t.at(CODE).run(10));
    }

    @Test
    void segmentOverridesApplyOutside64BitMode() throws Exception {
        TestMachine t = m32();
        t.s.segmentBase[CpuState.FS] = 0x3000;
        t.memory.write32(0x3010, 0xFEED);
        run(t, "mov eax, fs:[0x10]\n mov ebx, es:[0x3010]");
        assertEquals(0xFEED, t.s.gpr[0]);
        assertEquals(0xFEED, t.s.gpr[3]);
    }

    @Test
    void segmentLimitViolationIsGpAndStackIsSs() throws Exception {
        TestMachine t = m32();
        t.s.segmentLimit[CpuState.DS] = 0xFFF;
        t.exitOnException = 13;
        t.load(CODE, 0x8B, 0x05, 0xFE, 0x0F, 0x00, 0x00); // mov eax, [0xFFE]: crosses the limit
        assertEquals(StopReason.EXIT, t.at(CODE).run(10));
        assertEquals(List.of("exception 13 err=true/0 cr2=0"), t.log);
        TestMachine u = m32();
        u.s.segmentLimit[CpuState.SS] = 0xFFF;
        u.s.gpr[4] = 0x2000;
        u.exitOnException = 12;
        u.load(CODE, 0x50); // push eax beyond SS's limit
        assertEquals(StopReason.EXIT, u.at(CODE).run(10));
        assertEquals(List.of("exception 12 err=true/0 cr2=0"), u.log);
    }

    @Test
    void divideErrorIsDe() {
        TestMachine t = m32();
        t.exitOnException = 0;
        t.load(CODE, 0xF7, 0xF3); // div ebx with ebx = 0
        assertEquals(StopReason.EXIT, t.at(CODE).run(10));
        assertEquals(List.of("exception 0 err=false/0 cr2=0"), t.log);
        assertEquals(CODE, t.s.rip);
    }

    @Test
    void int3AndIntoAreTrapsOfferedToTheHook() {
        TestMachine t = m32();
        t.exitOnException = 3;
        t.load(CODE, 0x90, 0xCC);
        assertEquals(StopReason.EXIT, t.at(CODE).run(10));
        assertEquals(CODE + 1, t.s.rip, "an intercepted INT3 leaves RIP on the instruction");
        assertEquals(1, t.core.instructionLength());
    }

    @Test
    void alignmentCheckAtCpl3() {
        TestMachine t = m32();
        for (int seg = CpuState.ES; seg <= CpuState.GS; seg++) {
            t.s.segmentAttributes[seg] |= 0x60; // DPL 3
        }
        t.s.cpl = 3;
        t.s.cr0 |= CpuState.CR0_AM;
        t.s.rflags |= CpuState.AC;
        t.exitOnException = 17;
        t.load(CODE, 0x8B, 0x05, 0x00, 0x50, 0x00, 0x00, 0x8B, 0x05, 0x01, 0x50, 0x00, 0x00); // aligned, then misaligned
        assertEquals(StopReason.EXIT, t.at(CODE).run(10));
        assertEquals(CODE + 6, t.s.rip);
        assertEquals(List.of("exception 17 err=true/0 cr2=0"), t.log);
    }

    @Test
    void crc32cAccumulates() throws Exception {
        TestMachine t = run(m64(), "xor eax, eax\n not eax\n mov rbx, 0x3938373635343332\n mov cl, 0x31\n crc32 eax, cl\n"
            + "crc32 rax, rbx\n not eax");
        assertEquals(0xE306_9283L, t.s.gpr[0], "CRC-32C of \"123456789\"");
    }

    @Test
    void realModeFarCallReturnAndLoops() throws Exception {
        TestMachine t = run(m16(), "mov sp, 0x7000\n call 0x0200:(far16 - 0x2000)\n mov cx, 3\n xor ax, ax\n"
            + "2: inc ax\n cmp ax, 2\n loopne 2b\n mov bx, cx\n xor cx, cx\n jcxz 3f\n mov bx, 0xFFFF\n 3: jmp 4f\n"
            + ".org 0x1000\n far16: mov dx, cs\n retf\n 4:");
        assertEquals(0x0200, t.s.segmentSelector[CpuState.CS] ^ 0x0200 ^ 0x0000, "back in CS 0");
        assertEquals(0x0200, t.s.gpr[2] & 0xFFFF, "the far target ran with CS = 0x200");
        assertEquals(1, t.s.gpr[3] & 0xFFFF, "LOOPNE stopped when AX reached 2 (CX 3 -> 1)");
        assertEquals(0x7000, t.s.gpr[4] & 0xFFFF);
    }

    @Test
    void addressSizeOverrideOnLoopsAndStrings() throws Exception {
        TestMachine t = run(m32(), "mov ecx, 0x10002\n addr16 loop 1f\n 1: mov esi, ecx\n"
            + "mov edi, 0x15000\n mov ecx, 0x10001\n mov al, 5\n addr16 rep stosb");
        assertEquals(0x10001, t.s.gpr[6], "LOOP with a 16-bit address size decrements CX only");
        assertEquals(0x10000, t.s.gpr[1], "CX counted down to zero, ECX's upper half untouched");
        assertEquals(0x15001, t.s.gpr[7] & 0xFFFF_FFFFL, "DI (16 bits) advanced once; EDI's upper half kept");
        assertEquals(5, t.memory.read8(0x5000), "ES:DI with DI = 0x5000");
    }

    @Test
    void virtual8086RoundTrip() throws Exception {
        // A ring-0 32-bit monitor IRETs into virtual-8086 mode; the V86 code's INT 0x21 comes back
        // to ring 0 through a 32-bit interrupt gate with the V86 segment registers pushed.
        TestMachine t = m32();
        t.memory.write64(0x6000 + 0x30, 0x0000_8902_0000_0067L); // TSS at 0x20000
        t.s.gdtrLimit = 0x37;
        t.memory.write32(0x20004, 0xA000);
        t.memory.write32(0x20008, 0x10);
        t.gate32(0x5000, 0x21, 0x3000, 3);
        t.s.idtrBase = 0x5000;
        t.s.idtrLimit = 0x7FF;
        t.load(0x3000, 0x8B, 0x44, 0x24, 0x04, 0xF4); // handler: mov eax, [esp+4] (CS); hlt
        t.load(0x4100, 0xB8, 0x34, 0x12, 0xCD, 0x21); // V86 code at 0400:0100: mov ax, 0x1234; int 0x21
        run(t, "mov ax, 0x30\n ltr ax\n push 0\n push 0\n push 0\n push 0\n push 0x0300\n push 0x0100\n"
            + "push 0x23202\n push 0x0400\n push 0x0100\n iret");
        assertEquals(0x0400, t.s.gpr[0] & 0xFFFF, "pushed V86 CS");
        assertEquals(0, t.s.cpl);
        assertEquals(0, t.s.rflags & CpuState.VM);
        assertEquals(0xA000 - 36, t.s.gpr[4], "TSS.ESP0 with GS, FS, DS, ES, SS, ESP, EFLAGS, CS, EIP pushed");
        assertEquals(0x0300, t.memory.read32(0xA000 - 20), "V86 SS");
    }

    @Test
    void sysretToCompatibilityMode() throws Exception {
        TestMachine t = m64();
        t.memory.write64(0x6000 + 0x18, 0x00CF_FB00_0000_FFFFL); // user code32 (0x1B)
        t.memory.write64(0x6000 + 0x20, 0x00CF_F300_0000_FFFFL); // user data (0x23)
        t.memory.write64(0x6000 + 0x28, 0x00AF_FB00_0000_FFFFL); // user code64 (0x2B)
        t.s.gdtrBase = 0x6000;
        t.s.gdtrLimit = 0x2F;
        t.exitOnException = 13; // the HLT at CPL 3 after the return
        byte[] code = GuestImages.assemble(".intel_syntax noprefix\n.code64\n.globl _start\n_start:\n"
            + "mov ecx, 0xC0000081\n xor eax, eax\n mov edx, 0x00180008\n wrmsr\n lea rcx, [rip+compat]\n"
            + "mov r11, 0x202\n sysretd\n .code32\n compat: mov eax, cs\n mov ebx, ss\n hlt\n", CODE);
        t.memory.writeBytes(CODE, code, 0, code.length);
        assertEquals(StopReason.EXIT, t.at(CODE).run(100));
        assertEquals(List.of("msr write=true ecx=c0000081", "exception 13 err=true/0 cr2=0"), t.log);
        assertEquals(0x1B, t.s.gpr[0] & 0xFFFF);
        assertEquals(0x23, t.s.gpr[3] & 0xFFFF);
        assertEquals(3, t.s.cpl);
        assertFalse(t.s.mode64());
    }

    @Test
    void selfModifyingCodeIsNeverStale() throws Exception {
        TestMachine t = run(m32(), "mov ecx, 3\n patch: mov eax, 0x11111111\n add ebx, eax\n dec ecx\n jz 2f\n"
            + "add dword ptr [patch+1], 0x11111111\n jmp patch\n 2:");
        assertEquals(0x33333333L, t.s.gpr[0], "the third pass saw the twice-patched immediate");
        assertEquals(0x66666666L, t.s.gpr[3]);
    }
}
