package dev.hve.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The core keeps decoded instructions in blocks per host-physical page and takes them without
 * looking at the bytes again; these tests show that any write to a code page is still seen by
 * the next instruction fetched from it, whoever writes (the guest, in the same block or in a loop
 * that comes back, or the monitor between runs).
 */
class DecodedCodeTest {

    @Test
    void storeIntoTheNextInstructionOfTheSameBlockIsSeen() {
        TestMachine t = new TestMachine().flat32();
        t.load(0x1000,
            0x88, 0x0D, 0x07, 0x10, 0x00, 0x00, // mov [0x1007], cl  (the imm32 of the next instruction)
            0xB8, 0x00, 0x00, 0x00, 0x00,       // mov eax, 0        (patched to mov eax, cl)
            0x01, 0xC3,                         // add ebx, eax
            0x49,                               // dec ecx
            0x75, 0xF0,                         // jnz 0x1000
            0xF4);                              // hlt
        t.s.gpr[1] = 3;
        t.at(0x1000).run(1000);
        assertTrue(t.s.halted);
        assertEquals(3 + 2 + 1, t.s.gpr[3], "each pass executes the immediate its own store wrote");
        assertEquals(3 * 5 + 1, t.core.retiredInstructions());
    }

    @Test
    void storeIntoAnEarlierInstructionIsSeenWhenTheLoopComesBack() {
        TestMachine t = new TestMachine().flat32();
        t.load(0x1000,
            0xB8, 0x01, 0x00, 0x00, 0x00,             // mov eax, 1
            0x01, 0xC3,                               // add ebx, eax
            0xC6, 0x05, 0x01, 0x10, 0x00, 0x00, 0x07, // mov byte [0x1001], 7
            0x49,                                     // dec ecx
            0x75, 0xEF,                               // jnz 0x1000
            0xF4);                                    // hlt
        t.s.gpr[1] = 3;
        t.at(0x1000).run(1000);
        assertTrue(t.s.halted);
        assertEquals(1 + 7 + 7, t.s.gpr[3]);
    }

    @Test
    void dataStoresIntoACodePageKeepItsInstructions() {
        TestMachine t = new TestMachine().flat32();
        t.load(0x1000,
            0x89, 0x1D, 0x00, 0x18, 0x00, 0x00, // mov [0x1800], ebx  (same page as the code)
            0x43,                               // inc ebx
            0x49,                               // dec ecx
            0x75, 0xF6,                         // jnz 0x1000
            0xF4);                              // hlt
        t.s.gpr[1] = 100;
        t.at(0x1000).run(10_000);
        assertTrue(t.s.halted);
        assertEquals(100, t.s.gpr[3]);
        assertEquals(99, t.memory.read32(0x1800));
        assertEquals(100 * 4 + 1, t.core.retiredInstructions());
    }

    @Test
    void monitorWritesBetweenRunsAreSeen() {
        TestMachine t = new TestMachine().flat32();
        t.load(0x1000, 0xB8, 0x11, 0x00, 0x00, 0x00, 0xF4); // mov eax, 0x11; hlt
        t.at(0x1000).run(100);
        assertEquals(0x11, t.s.gpr[0]);
        t.memory.writeBytes(0x1001, new byte[] {0x22}, 0, 1); // as DMA or a monitor would
        t.s.halted = false;
        t.at(0x1000).run(100);
        assertEquals(0x22, t.s.gpr[0]);
        t.memory.write8(0x1001, 0x33);
        t.s.halted = false;
        t.at(0x1000).run(100);
        assertEquals(0x33, t.s.gpr[0]);
    }
}
