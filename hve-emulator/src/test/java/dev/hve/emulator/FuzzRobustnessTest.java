package dev.hve.emulator;

import dev.hve.emulator.cpu.CpuState;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random bytes executed in every mode must end as an architectural outcome (completion, an
 * exception delivered to the guest, or an exit), never as a Java exception escaping the core.
 */
class FuzzRobustnessTest {

    @Test
    void randomCodeNeverBreaksTheCore() {
        long seed = Long.getLong("hve.fuzz.seed", System.nanoTime());
        Random r = new Random(seed);
        int cases = Integer.getInteger("hve.fuzz.cases", 20000);
        TestMachine[] machines = {new TestMachine().long64(), new TestMachine().flat32(), new TestMachine().real()};
        for (TestMachine t : machines) {
            t.flatGdt(0x6000);
            t.exitOnException = -2;
        }
        CpuState[] saved = new CpuState[machines.length];
        for (int m = 0; m < machines.length; m++) {
            saved[m] = snapshot(machines[m].s);
        }
        for (int i = 0; i < cases; i++) {
            int m = i % machines.length;
            TestMachine t = machines[m];
            restore(saved[m], t.s);
            for (int b = 0; b < 16; b++) {
                t.memory.write8(0x1000 + b, r.nextInt(256));
            }
            for (int g = 0; g < 16; g++) {
                if (g != 4) {
                    t.s.gpr[g] = r.nextBoolean() ? r.nextInt(0x3F_0000) : r.nextLong();
                }
            }
            t.s.rflags = (r.nextLong() & 0xCD5) | 2;
            t.s.rip = 0x1000;
            t.log.clear();
            t.outs.clear();
            try {
                t.run(3);
            } catch (Throwable e) {
                StringBuilder bytes = new StringBuilder();
                for (int b = 0; b < 16; b++) {
                    bytes.append(String.format("%02x ", t.memory.read8(0x1000 + b)));
                }
                AssertionError err = new AssertionError("mode " + m + " bytes " + bytes + " (seed " + seed + ")", e);
                throw err;
            }
        }
    }

    private static CpuState snapshot(CpuState s) {
        CpuState c = new CpuState();
        restore(s, c);
        return c;
    }

    private static void restore(CpuState from, CpuState to) {
        System.arraycopy(from.gpr, 0, to.gpr, 0, 16);
        to.rip = from.rip;
        to.rflags = from.rflags;
        System.arraycopy(from.segmentSelector, 0, to.segmentSelector, 0, 8);
        System.arraycopy(from.segmentBase, 0, to.segmentBase, 0, 8);
        System.arraycopy(from.segmentLimit, 0, to.segmentLimit, 0, 8);
        System.arraycopy(from.segmentAttributes, 0, to.segmentAttributes, 0, 8);
        to.gdtrBase = from.gdtrBase;
        to.gdtrLimit = from.gdtrLimit;
        to.idtrBase = from.idtrBase;
        to.idtrLimit = from.idtrLimit;
        to.cr0 = from.cr0;
        to.cr2 = from.cr2;
        to.cr3 = from.cr3;
        to.cr4 = from.cr4;
        to.cr8 = from.cr8;
        to.efer = from.efer;
        to.cpl = from.cpl;
        to.halted = false;
        to.interruptShadow = false;
        to.nmiBlocked = false;
        to.star = from.star;
        to.lstar = from.lstar;
        to.sysenterCs = from.sysenterCs;
        to.kernelGsBase = from.kernelGsBase;
    }
}
