package dev.hve.emulator.translate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hve.emulator.GuestImages;
import dev.hve.emulator.StopReason;
import dev.hve.emulator.TestMachine;
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
}
