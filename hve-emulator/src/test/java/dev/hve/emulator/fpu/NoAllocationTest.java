package dev.hve.emulator.fpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hve.emulator.decode.Decoder;
import dev.hve.emulator.decode.Instruction;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * The units allocate nothing per instruction: a mix of x87, SSE float, SSE integer, exception and
 * FXSAVE paths runs many times while the thread's allocated-byte counter must stay flat (a few
 * hundred bytes of slack for the measuring itself).
 */
class NoAllocationTest {

    private static final String[] PROGRAM = {
        "D9E8", "D9EB", "DEC9", "D9FA", "D9FC", "DB13", "DD03", "DEF9", "D8D1", "DBF1", "D9E5", "D9F8", "DDD8",
        "DDD8", "DDD8", "DBE2",
        "F30F58C1", "F20F5EC1", "0F59C1", "660F51C1", "F30F2DC1", "F2480F2AC0", "0F2FC1", "0FC2C102",
        "660FFCC1", "660FEDC1", "660F74C1", "660FD7C0", "660F70C11B", "660F73D803", "660F63C1", "660FF5C1",
        "0F2803", "0F2903", "660F6F03", "0FAE03", "0FAE0B", "0FAE1B",
    };

    @Test
    void instructionPathDoesNotAllocate() {
        FpuTestMachine m = new FpuTestMachine();
        m.gpr[3] = FpuTestMachine.BASE + 0x1000;
        m.poke(FpuTestMachine.BASE + 0x1000, 8, Double.doubleToLongBits(1.5));
        m.poke(FpuTestMachine.BASE + 0x1000 + 24, 4, 0x1F80);
        Decoder decoder = new Decoder();
        Instruction[] decoded = new Instruction[PROGRAM.length];
        for (int i = 0; i < PROGRAM.length; i++) {
            byte[] code = FpuTestMachine.bytes(PROGRAM[i]);
            decoded[i] = new Instruction();
            decoder.decode(code, 0, code.length, k -> code[k] & 0xFF, 8, decoded[i]);
        }
        long ea = FpuTestMachine.BASE + 0x1000;
        runAll(m, decoded, ea, 20_000); // warm up (class loading, JIT)
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        long before = bean.getThreadAllocatedBytes(tid);
        runAll(m, decoded, ea, 50_000);
        long allocated = bean.getThreadAllocatedBytes(tid) - before;
        assertTrue(allocated < 4096, "allocated " + allocated + " bytes over 50000 rounds");
    }

    private static void runAll(FpuTestMachine m, Instruction[] decoded, long ea, int rounds) {
        for (int round = 0; round < rounds; round++) {
            m.f.xmm[0] = round;
            m.f.xmm[2] = 3 + round;
            for (Instruction in : decoded) {
                long mem = in.mod != 3 ? ea : 0;
                if ((in.opcode & 0x300) == 0) {
                    m.x87.execute(in, mem, m);
                } else {
                    m.simd.execute(in, mem, m);
                }
            }
            m.f.mxcsr = 0x1F80;
            m.f.init();
        }
    }
}
