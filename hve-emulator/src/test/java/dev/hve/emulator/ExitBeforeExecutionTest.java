package dev.hve.emulator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Instructions whose hook exits before they change anything (IN, OUT, CPUID, HLT, RDMSR, WRMSR,
 * VMCALL, INVLPG, PAUSE) leave the interpreter without unwinding: the exit must still be exact.
 * RIP stays at the instruction, nothing retires, no register, flag or halt state changes, and when
 * the hook lets it through on the next run the instruction runs once, in its block, as usual.
 */
class ExitBeforeExecutionTest {

    private static final long CODE = 0x1000;

    /** One exiting instruction between two ordinary ones; {@code exits} arms the hook for it. */
    private static void check(int[] instruction, Consumer<TestMachine> exits, Consumer<TestMachine> lets) {
        TestMachine t = new TestMachine().flat32();
        int[] code = new int[instruction.length + 3];
        code[0] = 0x40;                                   // inc eax (sets flags, retires)
        System.arraycopy(instruction, 0, code, 1, instruction.length);
        code[instruction.length + 1] = 0x46;              // inc esi (no instruction here touches ESI)
        code[instruction.length + 2] = 0x90;              // nop
        t.load(CODE, code);
        t.s.gpr[1] = 0x174;                               // ECX: IA32_SYSENTER_CS
        t.s.gpr[3] = 0x2000;                              // EBX: an address for INVLPG
        exits.accept(t);
        assertEquals(StopReason.EXIT, t.at(CODE).run(100));
        long[] gpr = t.s.gpr.clone();
        long flags = t.s.rflags;
        assertEquals(CODE + 1, t.s.rip, "RIP stays at the exiting instruction");
        assertEquals(1, t.core.retiredInstructions(), "only the INC before it retired");
        assertFalse(t.s.halted);

        // The exit leaves no trace; a second run with the hook still armed exits at the same place.
        assertEquals(StopReason.EXIT, t.run(100));
        assertEquals(CODE + 1, t.s.rip);
        assertArrayEquals(gpr, t.s.gpr);
        assertEquals(flags, t.s.rflags);
        assertEquals(1, t.core.retiredInstructions());

        if (lets == null) {
            return;
        }
        lets.accept(t);
        t.run(2);
        if (instruction[0] == 0xF4) {
            assertEquals(CODE + 2, t.s.rip, "the HLT completed");
            assertEquals(2, t.core.retiredInstructions());
            assertTrue(t.s.halted);
            return;
        }
        assertEquals(CODE + instruction.length + 2, t.s.rip, "the instruction and the INC after it ran");
        assertEquals(3, t.core.retiredInstructions(), "INC, the instruction, INC");
        assertEquals(gpr[6] + 1, t.s.gpr[6], "the INC after it ran once");
    }

    @ParameterizedTest
    @ValueSource(strings = {"out", "in", "outdx", "indx"})
    void portIo(String form) {
        int[] insn = switch (form) {
            case "out" -> new int[] {0xE6, 0x80};
            case "in" -> new int[] {0xE4, 0x80};
            case "outdx" -> new int[] {0xEE};
            default -> new int[] {0xEC};
        };
        check(insn, t -> t.exitOnIo = true, t -> {
            t.exitOnIo = false;
            t.quiet = true;
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpuid", "rdmsr", "wrmsr", "vmcall", "hlt", "invlpg", "pause"})
    void systemInstructions(String name) {
        switch (name) {
            case "cpuid" -> check(new int[] {0x0F, 0xA2}, t -> t.exitOnCpuid = true, t -> t.exitOnCpuid = false);
            case "rdmsr" -> check(new int[] {0x0F, 0x32}, t -> t.exitOnMsr = true, t -> t.exitOnMsr = false);
            case "wrmsr" -> check(new int[] {0x0F, 0x30}, t -> {
                t.exitOnMsr = true;
                t.s.gpr[0] = 0x10;
                t.s.gpr[2] = 0;
            }, t -> t.exitOnMsr = false);
            // Not claimed, VMCALL would be #UD: only the exit is checked.
            case "vmcall" -> check(new int[] {0x0F, 0x01, 0xC1}, t -> t.exitOnHypercall = true, null);
            case "hlt" -> check(new int[] {0xF4}, t -> t.exitOnHlt = true, t -> t.exitOnHlt = false);
            case "invlpg" -> check(new int[] {0x0F, 0x01, 0x3B}, t -> t.exitOnInvlpg = true, t -> t.exitOnInvlpg = false);
            default -> check(new int[] {0xF3, 0x90}, t -> t.exitOnPause = true, t -> t.exitOnPause = false);
        }
    }

    /**
     * The MOV forms, whose one memory access comes before any other effect, end an access that
     * leaves guest mode (here a guest-physical hole, as MMIO is) through the same cheap path; ADD
     * to memory, a read-modify-write, still unwinds with the exit signal, and must look the same.
     * Each exiting run must have asked the controls exactly once, for the data access.
     */
    @ParameterizedTest
    @ValueSource(strings = {"store", "storeByte", "load", "moffsLoad", "moffsStore", "immediate", "movzx", "movsx",
        "addToMemory"})
    void movesToAndFromAHole(String form) {
        int[] insn = switch (form) {
            case "store" -> new int[] {0x89, 0x03};                          // mov [ebx], eax
            case "storeByte" -> new int[] {0x88, 0x0B};                      // mov [ebx], cl
            case "load" -> new int[] {0x8B, 0x0B};                           // mov ecx, [ebx]
            case "moffsLoad" -> new int[] {0xA1, 0x00, 0x30, 0x00, 0x00};    // mov eax, [0x3000]
            case "moffsStore" -> new int[] {0xA3, 0x00, 0x30, 0x00, 0x00};   // mov [0x3000], eax
            case "immediate" -> new int[] {0xC7, 0x03, 0x78, 0x56, 0x34, 0x12}; // mov dword [ebx], 0x12345678
            case "movzx" -> new int[] {0x0F, 0xB6, 0x0B};                    // movzx ecx, byte [ebx]
            case "movsx" -> new int[] {0x0F, 0xBF, 0x0B};                    // movsx ecx, word [ebx]
            default -> new int[] {0x01, 0x03};                               // add [ebx], eax
        };
        // ADD reads its memory operand first, so its exit is for the read.
        boolean write = List.of("store", "storeByte", "moffsStore", "immediate").contains(form);
        int access = (write ? 2 : 1) | 16; // write or read, with the linear address valid
        check(insn, t -> {
            t.mmioStart = 0x3000;
            t.s.gpr[3] = 0x3000;
            t.s.gpr[0] = 0xCAFE;
            t.memory.write32(0x3000, 0x8081);
        }, t -> {
            assertEquals(List.of("npf gpa=3000 access=" + access + " linear=3000",
                "npf gpa=3000 access=" + access + " linear=3000"), t.log, "one control query per exiting run");
            assertEquals(0x8081, t.memory.read32(0x3000), "nothing was written");
            t.mmioStart = Long.MAX_VALUE;
        });
    }
}
