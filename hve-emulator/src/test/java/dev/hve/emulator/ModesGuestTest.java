package dev.hve.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.hve.emulator.cpu.CpuState;
import dev.hve.emulator.cpuid.CpuModels;
import org.junit.jupiter.api.Test;

/**
 * Runs guests/modes/modes.S directly on the core: real → unreal → protected → paging → long (with a
 * ring-3 excursion through SYSCALL/SYSRET and INT 0x80) → compatibility → protected → 16-bit
 * protected → real mode, with #UD, #DE, #BP, #GP, #PF and #DF checked by the guest's own handlers
 * (vector, error code, CR2, saved IP).
 */
class ModesGuestTest {

    private void runOn(TestMachine t) throws Exception {
        long entry = GuestImages.buildAndLoad("modes", t.memory);
        t.flat32(); // the Multiboot 1 machine state
        t.s.rip = entry;
        t.exitPort = 0xF4;
        t.exitPort2 = 0x64;
        t.exitOnException = Integer.getInteger("hve.test.exitOnException", -1);
        StopReason stop = t.run(1_000_000);
        StringBuilder progress = new StringBuilder();
        String result = null;
        for (String o : t.outs) {
            if (o.startsWith("3f8=")) {
                progress.append((char) Integer.parseInt(o.substring(4), 16));
            } else if (o.startsWith("f4=")) {
                result = o.substring(3);
            }
        }
        assertEquals(StopReason.EXIT, stop, () -> "guest did not finish; progress " + progress + " rip "
            + Long.toHexString(t.s.rip) + " log " + t.log.subList(0, Math.min(40, t.log.size())));
        assertFalse(t.shutdown);
        assertEquals("RrUPpGLlFDSCcZ\n", progress.toString(), () -> "rip " + Long.toHexString(t.s.rip) + " log " + t.log.subList(0, Math.min(40, t.log.size())));
        assertEquals(null, result, "failed check number");
        assertEquals("64=fe", t.outs.get(t.outs.size() - 1), "keyboard-controller reset on success");
        assertEquals(0, t.s.cr0 & CpuState.CR0_PE, "back in real mode");
        assertEquals(0, t.s.efer & CpuState.EFER_LMA);
    }

    @Test
    void intelModel() throws Exception {
        runOn(new TestMachine(CpuModels.intel(), 16 << 20));
    }

    @Test
    void amdModel() throws Exception {
        runOn(new TestMachine(CpuModels.amd(), 16 << 20));
    }
}
