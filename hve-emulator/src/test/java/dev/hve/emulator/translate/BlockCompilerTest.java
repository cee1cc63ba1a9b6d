package dev.hve.emulator.translate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hve.emulator.GuestImages;
import dev.hve.emulator.StopReason;
import dev.hve.emulator.TestMachine;
import dev.hve.emulator.cpu.CpuState;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The block translator's contract, shown on small guests: each runs once with the interpreter
 * alone and once with blocks compiled from their second entry, and both runs must end in the same
 * architectural state (registers, RFLAGS, RIP, memory, retired count, exits, log). The
 * differential property {@code TranslatorPropertyTest} checks the same over generated programs.
 */
class BlockCompilerTest {

    private static final String LOOP32 = ".intel_syntax noprefix\n.code32\n.globl _start\n_start:\n";
    private static final String LOOP64 = ".intel_syntax noprefix\n.code64\n.globl _start\n_start:\n";

    /** A machine set up by {@code setup}, run from 0x1000 with {@code budget}, with or without translation. */
    private static TestMachine run(boolean translate, Consumer<TestMachine> setup, String program, long budget)
        throws Exception {
        String previous = System.getProperty("hve.translate");
        String threshold = System.getProperty("hve.translate.threshold");
        System.setProperty("hve.translate", Boolean.toString(translate));
        System.setProperty("hve.translate.threshold", "1");
        TestMachine t;
        try {
            t = new TestMachine();
        } finally {
            restore("hve.translate", previous);
            restore("hve.translate.threshold", threshold);
        }
        setup.accept(t);
        byte[] code = GuestImages.assemble(program, 0x1000);
        t.memory.writeBytes(0x1000, code, 0, code.length);
        t.s.rip = 0x1000;
        t.run(budget);
        return t;
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }

    /** Runs the program both ways, asserts the same end and that blocks were compiled. */
    private static TestMachine sameBothWays(Consumer<TestMachine> setup, String program, long budget) throws Exception {
        long compiledBefore = BlockCompiler.compiledInProcess();
        TestMachine compiled = sameEnd(setup, program, budget);
        assertTrue(BlockCompiler.compiledInProcess() > compiledBefore, "no block was compiled");
        return compiled;
    }

    /** Runs the program both ways and asserts the same end; returns the run with translation on. */
    private static TestMachine sameEnd(Consumer<TestMachine> setup, String program, long budget) throws Exception {
        TestMachine interpreted = run(false, setup, program, budget);
        TestMachine compiled = run(true, setup, program, budget);
        assertArrayEquals(interpreted.s.gpr, compiled.s.gpr, "registers");
        assertEquals(Long.toHexString(interpreted.s.rflags), Long.toHexString(compiled.s.rflags), "RFLAGS");
        assertEquals(Long.toHexString(interpreted.s.rip), Long.toHexString(compiled.s.rip), "RIP");
        assertEquals(interpreted.core.retiredInstructions(), compiled.core.retiredInstructions(), "retired");
        assertEquals(interpreted.s.cr2, compiled.s.cr2, "CR2");
        assertEquals(interpreted.log, compiled.log, "exits and exceptions");
        assertEquals(interpreted.outs, compiled.outs, "port writes");
        byte[] a = new byte[0x10000];
        byte[] b = new byte[0x10000];
        interpreted.memory.readBytes(0, a, 0, a.length);
        compiled.memory.readBytes(0, b, 0, b.length);
        assertArrayEquals(a, b, "memory");
        return compiled;
    }

    @Test
    void aHotLoopComputesWhatTheInterpreterComputes() throws Exception {
        // ALU with memory operands, IMUL, shifts, flags read by SETcc/CMOVcc/ADC, a loop of its own.
        TestMachine t = sameBothWays(m -> m.flat32(), LOOP32
            + "mov ecx, 3000\n xor eax, eax\n mov esi, 0x5000\n mov edi, 0x5800\n"
            + "1: add eax, [esi]\n add dword ptr [esi], 3\n imul ebx, eax, 7\n shr ebx, 3\n xor eax, ebx\n"
            + " cmp eax, ebx\n setb dl\n cmovl ebp, eax\n adc [edi], edx\n test al, 1\n jz 2f\n inc dword ptr [edi+4]\n"
            + "2: sub ecx, 1\n jnz 1b\n out 0x80, al\n hlt\n", 1_000_000);
        assertTrue(t.s.halted);
    }

    @Test
    void theBudgetEndsACompiledLoopExactlyWhereTheInterpreterStops() throws Exception {
        String program = LOOP64 + "mov rcx, 100000\n1: add rax, rcx\n rol rax, 3\n dec rcx\n jnz 1b\n hlt\n";
        long compiledBefore = BlockCompiler.compiledInProcess();
        for (long budget : new long[] {1, 2, 7, 50, 401, 4097, 12345}) {
            TestMachine t = sameEnd(m -> m.long64(), program, budget);
            assertEquals(budget, t.core.retiredInstructions(), "retired with budget " + budget);
        }
        assertTrue(BlockCompiler.compiledInProcess() > compiledBefore, "no block was compiled");
    }

    @Test
    void aFaultInsideACompiledBlockIsDeliveredAtItsInstruction() throws Exception {
        // The loop walks a pointer up a page at a time until it reads past guest RAM (4 MiB): the
        // access leaves guest mode inside the compiled block, with the flags of the CMP before it
        // (still a pending record when the exit comes).
        TestMachine t = sameBothWays(m -> m.long64(), LOOP64
            + "mov rsi, 0x100000\n xor eax, eax\n1: add rsi, 0x1000\n cmp rax, rsi\n mov rbx, [rsi]\n"
            + " add rax, rbx\n jmp 1b\n", 1_000_000);
        assertTrue(t.log.stream().anyMatch(line -> line.startsWith("npf gpa=400000")), t.log.toString());
    }

    @Test
    void aPageFaultInsideACompiledBlockIsPrecise() throws Exception {
        TestMachine t = sameBothWays(m -> {
            m.long64();
            m.exitOnException = 14;
            m.memory.write64(0x72000 + 8, 0); // unmap 2-4 MiB
        }, LOOP64 + "mov rsi, 0x100000\n1: add rsi, 0x800\n sub rax, 1\n or [rsi], eax\n jmp 1b\n", 1_000_000);
        // The monitor intercepts #PF, so CR2 is not written (as on VM exit); the exit names it.
        String last = t.log.get(t.log.size() - 1);
        assertTrue(last.startsWith("exception 14 ") && last.endsWith(" cr2=200000"), last);
    }

    @Test
    void aLoopThatRewritesItsOwnCodeSeesTheNewCode() throws Exception {
        // Each pass increments the immediate of the ADD it executes next time round.
        TestMachine t = sameBothWays(m -> m.flat32(), LOOP32
            + "mov ecx, 200\n xor eax, eax\n1: add eax, 1\n inc byte ptr [1b + 2]\n dec ecx\n jnz 1b\n hlt\n",
            1_000_000);
        long expected = 0;
        for (int pass = 0; pass < 200; pass++) {
            expected += (byte) (1 + pass); // an 83 /0 ib immediate is sign-extended
        }
        assertEquals(expected, t.s.gpr[0]);
    }

    @Test
    void aCompiledLoopThatStoresIntoItsOwnCodeLeavesAfterTheStore() throws Exception {
        // The loop's store goes to a data page on every pass but the one with ECX = 100, where it
        // writes 2 into the immediate of the loop's own ADD. By then the loop runs compiled, and
        // its store site keeps the data page: the store into the code page misses it, and the
        // block must leave after it, so that the passes after it add 2.
        TestMachine t = sameBothWays(m -> m.flat32(), LOOP32
            + "mov ecx, 200\n xor eax, eax\n mov edi, 0x5000\n mov ebp, offset 1f + 2\n"
            + "1: add eax, 1\n mov esi, edi\n cmp ecx, 100\n cmove esi, ebp\n mov byte ptr [esi], 2\n"
            + " dec ecx\n jnz 1b\n hlt\n", 1_000_000);
        assertEquals(101 * 1 + 99 * 2, t.s.gpr[0]);
    }

    // ---- data accesses through flat segments (FlatData) and the checks they must keep ----

    /** The last log line, which must be the exception with {@code vector} and error code 0. */
    private static void endsWithFault(TestMachine t, int vector) {
        String last = t.log.isEmpty() ? "(empty log)" : t.log.get(t.log.size() - 1);
        assertTrue(last.startsWith("exception " + vector + " err=true/0 "), t.log.toString());
    }

    @Test
    void aSegmentLoadInsideACompiledBlockIsHonouredByTheAccessesAfterIt() throws Exception {
        // Each pass reloads DS (an instruction the interpreter runs for the block); on the last
        // pass the selector is the 64 KiB data segment, and the store after it, at 0x20000, is
        // past its limit: #GP(0), although the block entered with DS flat.
        TestMachine t = sameBothWays(m -> {
            m.flat32();
            m.flatGdt(0x6000);
            m.exitOnException = 13;
        }, LOOP32 + "mov ecx, 50\n mov esi, 0x20000\n mov edx, 0x10\n mov ebp, 0x28\n"
            + "1: cmp ecx, 1\n cmove edx, ebp\n mov eax, [esi]\n mov ds, dx\n add [esi], eax\n"
            + " dec ecx\n jnz 1b\n hlt\n", 1_000_000);
        endsWithFault(t, 13);
        assertEquals(1, t.s.gpr[1], "the fault came on the last pass");
    }

    @Test
    void aDataSegmentThatIsNotFlatKeepsItsBaseAndLimitInCompiledCode() throws Exception {
        // DS based at 0x30000 with a 32 KiB limit: the stores land at base + offset until the
        // offset passes the limit.
        TestMachine t = sameBothWays(m -> {
            m.flat32();
            m.s.segmentBase[CpuState.DS] = 0x30000;
            m.s.segmentLimit[CpuState.DS] = 0x7FFF;
            m.exitOnException = 13;
        }, LOOP32 + "xor esi, esi\n1: add esi, 0x100\n mov [esi], esi\n jmp 1b\n", 1_000_000);
        endsWithFault(t, 13);
        assertEquals(0x8000, t.s.gpr[6], "the first offset past the limit");
        assertEquals(0x7F00, t.memory.read32(0x30000 + 0x7F00), "the last store, at base + offset");
    }

    /**
     * Runs a 20-pass loop that loads from 0x5000 and, on its last pass, from {@code bad} instead
     * (in 64-bit registers when {@code wide}): the block is compiled long before that pass.
     */
    private static TestMachine loadFromOnTheLastPass(Consumer<TestMachine> setup, boolean wide, String bad)
        throws Exception {
        String r = wide ? "r" : "e";
        String loop = "mov ecx, 20\n mov esi, 0x5000\n mov " + r + "di, " + bad + "\n"
            + "1: cmp ecx, 1\n cmove " + r + "si, " + r + "di\n add " + r + "ax, [" + r + "si]\n"
            + " dec ecx\n jnz 1b\n hlt\n";
        return sameBothWays(setup, (wide ? LOOP64 : LOOP32) + loop, 1_000_000);
    }

    @Test
    void anAccessOutsideItsModesAddressRangeFaults() throws Exception {
        // A flat segment's limit is 4 GiB - 1: a dword at 0xFFFFFFFD crosses it, while a word at
        // 0xFFFFFFFE would be inside it. In 64-bit mode the qword at 0x7FFFFFFFFFFC ends past the
        // canonical lower half. Both: #GP(0).
        for (boolean wide : new boolean[] {false, true}) {
            long bad = wide ? 0x7FFF_FFFF_FFFCL : 0xFFFF_FFFDL;
            TestMachine t = loadFromOnTheLastPass(m -> {
                if (wide) {
                    m.long64();
                } else {
                    m.flat32();
                }
                m.exitOnException = 13;
            }, wide, "0x" + Long.toHexString(bad));
            endsWithFault(t, 13);
            assertEquals(bad, t.s.gpr[6]);
        }
    }

    @Test
    void fsAndGsBasesApplyInCompiledSixtyFourBitCode() throws Exception {
        long[] bases = {0, 0, 0, 0, 0x40000, 0x48000}; // ES, CS, SS, DS, FS, GS
        TestMachine t = sameBothWays(m -> System.arraycopy(bases, 0, m.long64().s.segmentBase, 0, bases.length),
            LOOP64 + "mov ecx, 100\n1: mov fs:[rcx*8], rcx\n mov rax, [rcx*8]\n add gs:[rcx*8], rcx\n"
            + " dec ecx\n jnz 1b\n hlt\n", 1_000_000);
        assertEquals(100, t.memory.read64(0x40000 + 800));
        assertEquals(100, t.memory.read64(0x48000 + 800));
    }

    @Test
    void alignmentChecksAtCplThreeAreRaisedByCompiledCode() throws Exception {
        // CPL 3 with CR0.AM and RFLAGS.AC: the aligned loads pass, the misaligned one on the last
        // pass raises #AC(0) (SDM Vol. 3A §6.15).
        TestMachine t = loadFromOnTheLastPass(m -> {
            m.flat32();
            m.s.cpl = 3;
            m.s.segmentAttributes[CpuState.CS] = 0xC0FB;
            for (int seg : new int[] {CpuState.SS, CpuState.DS, CpuState.ES}) {
                m.s.segmentAttributes[seg] = 0xC0F3;
            }
            m.s.cr0 |= CpuState.CR0_AM;
            m.s.rflags |= CpuState.AC;
            m.exitOnException = 17;
        }, false, "0x5002");
        endsWithFault(t, 17);
        assertEquals(0x5002, t.s.gpr[6]);
    }

    @Test
    void shiftFlagsReadLaterOrSeenByAFaultAreExact() throws Exception {
        // The flags of each SHR/SHL/SAR are read by a branch, SETcc or ADC after a load (which may
        // fault, so they are kept as a record rather than computed); on the last pass the load
        // faults, and the exception must see the flags of the SAR before it.
        TestMachine t = sameBothWays(m -> {
            m.flat32();
            m.exitOnException = 13;
        }, LOOP32 + "mov ecx, 300\n mov eax, 0x9E3779B9\n mov esi, 0x5000\n mov edi, 0xFFFFFFFD\n"
            + "1: cmp ecx, 1\n cmove esi, edi\n shr eax, 1\n mov ebx, [0x5000]\n jnc 2f\n xor eax, 0xEDB88320\n"
            + "2: shl ebx, 3\n mov edx, [0x5004]\n setc dl\n adc [0x5008], edx\n sar eax, 5\n add ebx, [esi]\n"
            + " rol eax, 7\n dec ecx\n jnz 1b\n hlt\n", 1_000_000);
        endsWithFault(t, 13);
        assertEquals(1, t.s.gpr[1], "the fault came on the last pass");
    }

    // ---- what a compiled loop keeps in its locals: host pages and registers ----

    @Test
    void accessesThatCrossOutOfAKeptPageTakeTheFullPath() throws Exception {
        // A looping block keeps the host page of each access site. Here the reads and stores walk
        // a byte at a time across 0x100000, where the page, and the 1 MiB host array behind it,
        // end: the dwords that straddle it must not be served from the kept page. A second loop
        // folds the bytes written there into EBX, which both runs must agree on.
        TestMachine t = sameBothWays(m -> {
            m.flat32();
            for (int k = 0; k < 0x60; k++) {
                m.memory.write8(0xFFFE0 + k, k * 37 + 11);
            }
        }, LOOP32 + "mov esi, 0xFFFF0\n mov ecx, 0x20\n xor eax, eax\n"
            + "1: add eax, [esi]\n rol eax, 5\n mov [esi + 8], eax\n inc esi\n dec ecx\n jnz 1b\n"
            + " mov esi, 0xFFFE0\n mov ecx, 0x60\n xor ebx, ebx\n"
            + "2: movzx edx, byte ptr [esi]\n add ebx, edx\n rol ebx, 3\n inc esi\n dec ecx\n jnz 2b\n hlt\n",
            1_000_000);
        assertTrue(t.s.halted);
    }

    @Test
    void aLoopThatRemapsThePageItReadsSeesEachMapping() throws Exception {
        // Each pass reads the qword at 0x203000, then flips the 2 MiB page holding it between
        // host frames 1 and 0 and executes INVLPG: the next read must see the other frame, not
        // a page kept from the pass before (INVLPG ends the compiled block, and a block keeps
        // pages for one run only).
        TestMachine t = sameBothWays(m -> {
            m.long64();
            m.memory.write64(0x3000, 5);
            m.memory.write64(0x203000, 7);
        }, LOOP64 + "mov rsi, 0x203000\n mov ecx, 1000\n xor ebx, ebx\n"
            + "1: add rbx, [rsi]\n xor qword ptr [0x72008], 0x200000\n invlpg [rsi]\n dec ecx\n jnz 1b\n hlt\n",
            1_000_000);
        assertEquals(500 * 7 + 500 * 5, t.s.gpr[3]);
    }

    @Test
    void registersChangedByTheInterpreterOrTheStackHelpersAreReadBackInCompiledCode() throws Exception {
        // A block keeps the registers it uses in locals. DIV runs in the interpreter and changes
        // EAX and EDX; PUSH and POP move ESP in the interpreter's stack helpers; the instructions
        // after each read those registers again.
        TestMachine t = sameBothWays(m -> m.flat32(), LOOP32
            + "mov ebx, 1000\n mov ecx, 7\n xor esi, esi\n xor edi, edi\n mov ebp, 300\n"
            + "1: mov eax, ebx\n xor edx, edx\n div ecx\n add esi, eax\n add edi, edx\n"
            + " push esi\n add edi, esp\n mov eax, [esp]\n pop edx\n add esi, edx\n add esi, esp\n"
            + " inc ebx\n dec ebp\n jnz 1b\n hlt\n", 1_000_000);
        assertTrue(t.s.halted);
    }
}
