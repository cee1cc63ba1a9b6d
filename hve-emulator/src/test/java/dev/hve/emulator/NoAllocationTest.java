package dev.hve.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * The design rule "no allocation per instruction", measured: a million instructions of a loop
 * with ALU work, memory operands, PUSH/POP, CALL/RET, REP MOVS, exceptions delivered through the
 * IDT and port I/O allocate (almost) nothing on the running thread.
 */
class NoAllocationTest {

    @Test
    void steadyStateExecutionDoesNotAllocate() throws Exception {
        TestMachine t = new TestMachine().long64();
        t.flatGdt(0x6000);
        t.gate64(0x20000, 6, 0x3000, 0);
        t.s.idtrBase = 0x20000;
        t.s.idtrLimit = 0xFFF;
        byte[] handler = GuestImages.assemble(".intel_syntax noprefix\n.code64\n.globl _start\n_start:\n"
            + "add qword ptr [rsp], 2\n iretq\n", 0x3000);
        t.memory.writeBytes(0x3000, handler, 0, handler.length);
        byte[] code = GuestImages.assemble(".intel_syntax noprefix\n.code64\n.globl _start\n_start:\n"
            + "mov rsp, 0x9000\n mov r8, 50000\n"
            + "1: mov rsi, 0x5000\n mov rdi, 0x5800\n mov ecx, 4\n rep movsq\n add eax, [rsi]\n push rax\n pop rbx\n"
            + "call 2f\n ud2\n out 0x80, al\n dec r8\n jnz 1b\n hlt\n 2: imul ebx, ebx, 3\n ret\n", 0x1000);
        t.memory.writeBytes(0x1000, code, 0, code.length);
        // Warm up (class loading, first-time paths), then measure a second run.
        runOnce(t);
        t.log.clear();
        t.outs.clear();
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        t.quiet = true;
        long before = mx.getThreadAllocatedBytes(id);
        long retiredBefore = t.core.retiredInstructions();
        t.s.rip = 0x1000;
        t.s.halted = false;
        t.exitOnIo = false;
        StopReason stop = t.core.run(10_000_000);
        long allocated = mx.getThreadAllocatedBytes(id) - before;
        long instructions = t.core.retiredInstructions() - retiredBefore;
        assertEquals(StopReason.BUDGET_EXHAUSTED, stop);
        assertTrue(t.s.halted);
        assertTrue(instructions > 700_000, "instructions " + instructions);
        // A few hundred bytes of slack for the measurement itself; nothing may scale with the work.
        assertTrue(allocated < 4096, "bytes allocated while running " + instructions + " instructions: " + allocated);
    }

    private static void runOnce(TestMachine t) {
        t.s.rip = 0x1000;
        t.s.halted = false;
        t.core.run(10_000_000);
    }
}
