package dev.hve.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The VT-x exit records of {@code guests/exits/exits64.s} run through the runner with every
 * intercept on: each operation's line in {@code --trace-exits} carries the basic exit reason
 * (Intel SDM Vol. 3C Appendix C), the exit qualification with the bit layouts of §28.2.1 (Tables
 * 28-3 CR access, 28-4 MOV DR, 28-5 I/O, 28-7 EPT violation), the instruction length (§28.2.4),
 * the instruction information (§28.2.5, Tables 28-8, 28-10, 28-11) and the interruption
 * information and error code (§28.2.2).
 */
class VmxExitTraceTest {

    private static final int ALL_CHECKS_PASSED = 0x2A << 1 | 1;
    private static final long VALID = 1L << 31;
    private static final long ERROR_CODE_VALID = 1L << 11;
    private static final long HARDWARE_EXCEPTION = 3 << 8;
    private static final long SOFTWARE_EXCEPTION = 6 << 8;

    @TempDir
    static Path temp;
    private static GuestSymbols symbols;
    private static List<Map<String, String>> lines;

    @BeforeAll
    static void runExits64() throws IOException, InterruptedException {
        symbols = GuestSymbols.of(TestGuests.path("exits64"));
        lines = trace("exits64", InterceptedExitsTest.INTERCEPTS);
    }

    /** Runs {@code guest} on VT-x with {@code intercepts} and returns its trace's lines, parsed. */
    private static List<Map<String, String>> trace(String guest, String intercepts) throws IOException {
        Path file = temp.resolve(guest + ".jsonl");
        RunnerHarness.Result result = RunnerHarness.run("run", "-q", "--backend", "vmx", "--kernel",
            TestGuests.path(guest).toString(), "--trace-exits", file.toString(), "--intercept", intercepts);
        assertEquals(ALL_CHECKS_PASSED, result.status(), "every check in " + guest + " passed; stderr: " + result.err());
        return Files.readAllLines(file).stream().map(JsonLine::parse).collect(Collectors.toList());
    }

    /** The one exit of {@code kind} with basic reason {@code reason} at the instruction labeled {@code symbol}. */
    private static Map<String, String> exit(String kind, int reason, String symbol) {
        return exit(lines, symbols, kind, reason, symbol);
    }

    private static Map<String, String> exit(List<Map<String, String>> lines, GuestSymbols symbols, String kind,
                                            int reason, String symbol) {
        String rip = Long.toUnsignedString(symbols.address(symbol));
        List<Map<String, String>> found = lines.stream()
            .filter(e -> kind.equals(e.get("kind")) && rip.equals(e.get("rip")) && String.valueOf(reason).equals(e.get("reason")))
            .collect(Collectors.toList());
        assertEquals(1, found.size(), "one " + kind + " exit with reason " + reason + " at " + symbol);
        Map<String, String> line = found.get(0);
        assertEquals("vmx", line.get("backend"));
        return line;
    }

    private static long field(Map<String, String> line, String name) {
        return Long.parseUnsignedLong(line.get(name));
    }

    /** Checks the qualification and the instruction length of an instruction exit. */
    private static Map<String, String> instruction(String kind, int reason, String symbol, long qualification,
                                                   int length) {
        Map<String, String> line = exit(kind, reason, symbol);
        assertEquals(qualification, field(line, "qualification"), symbol + ": exit qualification");
        assertEquals(length, field(line, "instruction_length"), symbol + ": instruction length");
        return line;
    }

    @Test
    void instructionsWithoutACommonExitKindAreInternalExitsWithTheirReasons() {
        instruction("cpuid", 10, "op_cpuid", 0, 2);
        instruction("internal", 16, "op_rdtsc", 0, 2);
        instruction("internal", 51, "op_rdtscp", 0, 3);
        instruction("internal", 14, "op_invlpg", 0x200000, 3); // the linear address INVLPG names
        instruction("internal", 40, "op_pause", 0, 2);
        instruction("internal", 54, "op_wbinvd", 0, 2);
        instruction("internal", 13, "op_invd", 0, 2);
        instruction("internal", 15, "op_rdpmc", 0, 2);
        instruction("hypercall", 18, "op_vmcall", 0, 3);
        instruction("msr", 31, "op_rdmsr", 0, 2);
        instruction("msr", 32, "op_wrmsr", 0, 2);
    }

    @Test
    void movDrQualificationsFollowTable28to4() {
        // DR number 2:0, direction 4 (1 = MOV from DR), GPR 11:8
        instruction("internal", 29, "op_mov_to_dr7", 7, 3);                             // mov %rax,%dr7
        instruction("internal", 29, "op_mov_from_dr6", 6 | 1 << 4 | 1 << 8, 3);          // mov %dr6,%rcx
    }

    @Test
    void controlRegisterQualificationsFollowTable28to3() {
        // CR number 3:0, access type 5:4 (0 MOV to, 1 MOV from, 2 CLTS, 3 LMSW), GPR 11:8
        instruction("internal", 28, "op_mov_from_cr3", 3 | 1 << 4 | 9 << 8, 4);   // mov %cr3,%r9
        instruction("internal", 28, "op_mov_to_cr3", 3 | 9 << 8, 4);              // mov %r9,%cr3
        instruction("internal", 28, "op_mov_to_cr0", 2 << 8, 3);                  // mov %rdx,%cr0
        instruction("internal", 28, "op_clts", 2 << 4, 2);
        instruction("internal", 28, "op_mov_to_cr4", 4 | 6 << 8, 3);              // mov %rsi,%cr4
        instruction("internal", 28, "op_mov_from_cr8", 8 | 1 << 4 | 1 << 8, 4);   // mov %cr8,%rcx
        instruction("internal", 28, "op_mov_to_cr8", 8 | 1 << 8, 4);              // mov %rcx,%cr8
        // LMSW: operand type 6 (0 = register), source data 31:16 -- the guest's CR0 with TS set
        Map<String, String> lmsw = exit("internal", 28, "op_lmsw");
        long q = field(lmsw, "qualification");
        assertEquals(3 << 4, q & 0xFFFF, "CR0, LMSW, register operand");
        assertEquals(0x9, (q >>> 16) & 0x9, "the source has PE and TS");
        assertEquals(3, field(lmsw, "instruction_length"));
    }

    @Test
    void descriptorTableExitsCarryTables28to10And28to11() {
        // RIP-relative operands: 64-bit address size (9:7 = 2), DS (17:15 = 3), index and base
        // invalid (22, 27); the qualification is the displacement. Bit 11 (operand size) is
        // undefined in 64-bit mode and not checked.
        long memory = 2 << 7 | 3 << 15 | 1 << 22 | 1 << 27;
        long defined = ~(1L << 11) & 0xFFFF_FFFFL & ~(0x7C | 0x7000L | 0xC000_0000L); // minus the undefined bits
        String[][] tables = {{"op_sgdt", "gdt_copy", "0"}, {"op_sidt", "idt_copy", "1"},
            {"op_lgdt", "gdt_copy", "2"}, {"op_lidt", "idt_copy", "3"}};
        for (String[] t : tables) {
            long displacement = symbols.address(t[1]) - (symbols.address(t[0]) + 7);
            Map<String, String> line = instruction("internal", 46, t[0], displacement, 7);
            assertEquals(memory | Long.parseLong(t[2]) << 28, field(line, "instruction_info") & defined, t[0]);
        }
        // Register operands: bit 10 set, Reg1 in 6:3, the identity in 29:28.
        long registerBits = 0x3000_0478L;
        assertEquals(1 << 10 | 0L << 28, field(instruction("internal", 47, "op_sldt", 0, 4), "instruction_info")
            & registerBits, "SLDT %ax");
        assertEquals(1 << 10 | 3 << 3 | 1L << 28, field(instruction("internal", 47, "op_str", 0, 4), "instruction_info")
            & registerBits, "STR %bx");
        assertEquals(1 << 10 | 2L << 28, field(instruction("internal", 47, "op_lldt", 0, 3), "instruction_info")
            & registerBits, "LLDT %ax");
    }

    @Test
    void ioQualificationsFollowTable28to5() {
        // size - 1 in 2:0, direction 3 (1 = IN), string 4, REP 5, immediate operand 6, port 31:16
        instruction("port-io", 30, "op_outb", 0x80L << 16 | 1 << 6, 2);
        instruction("port-io", 30, "op_outw", 0x80L << 16 | 1, 2);
        instruction("port-io", 30, "op_outl", 0x80L << 16 | 3, 1);
        instruction("port-io", 30, "op_inb", 0x61L << 16 | 1 << 6 | 1 << 3, 2);
        // String forms: instruction information (Table 28-8) has the address size in 9:7 and, for
        // OUTS, the segment in 17:15; the guest-linear address is the string operand's.
        Map<String, String> outs = instruction("port-io", 30, "op_rep_outsb", 0x3F8L << 16 | 1 << 5 | 1 << 4, 2);
        assertEquals(2 << 7 | 3 << 15, field(outs, "instruction_info"), "64-bit addresses, DS");
        assertEquals(symbols.address("text"), field(outs, "guest_linear_address"));
        Map<String, String> ins = instruction("port-io", 30, "op_rep_insb", 0x61L << 16 | 1 << 5 | 1 << 4 | 1 << 3, 2);
        assertEquals(2 << 7, field(ins, "instruction_info") & (7 << 7), "64-bit addresses");
        assertEquals(symbols.address("buffer"), field(ins, "guest_linear_address"));
    }

    @Test
    void eptViolationQualificationFollowsTable28to7() {
        Map<String, String> mmio = exit("mmio", 48, "op_mmio_read");
        long q = field(mmio, "qualification");
        // bit 0 data read, 1 write, 2 fetch; 5:3 the EPT entry's R/W/X (none: no mapping);
        // 7 guest-linear address valid; 8 the access is to the translated address, not a walk
        assertEquals(1 | 1 << 7 | 1 << 8, q & 0x1BF);
        assertEquals(0xFEE0_0030L, field(mmio, "guest_physical_address"));
        assertEquals(0xFEE0_0030L, field(mmio, "guest_linear_address"));
    }

    @Test
    void exceptionExitsCarryInterruptionInformationAndErrorCode() {
        // vector 7:0, type 10:8 (3 hardware exception, 6 software exception), error code valid 11, valid 31
        assertEquals(VALID | HARDWARE_EXCEPTION, field(exit("exception", 0, "op_divide_error"), "interruption_info"));
        Map<String, String> int3 = exit("exception", 0, "op_int3");
        assertEquals(VALID | SOFTWARE_EXCEPTION | 3, field(int3, "interruption_info"));
        assertEquals(1, field(int3, "instruction_length"), "a software exception reports INT3's length");
        assertEquals(VALID | HARDWARE_EXCEPTION | 6, field(exit("exception", 0, "op_ud2"), "interruption_info"));
        Map<String, String> gp = exit("exception", 0, "op_general_protection");
        assertEquals(VALID | ERROR_CODE_VALID | HARDWARE_EXCEPTION | 13, field(gp, "interruption_info"));
        assertEquals(0, field(gp, "interruption_error_code"));
        Map<String, String> pf = exit("exception", 0, "op_page_fault");
        assertEquals(VALID | ERROR_CODE_VALID | HARDWARE_EXCEPTION | 14, field(pf, "interruption_info"));
        assertEquals(2, field(pf, "interruption_error_code"), "a write to a non-present page");
        assertEquals(0x1_0000_0000L, field(pf, "qualification"), "#PF: the faulting linear address, CR2 not loaded");
    }

    @Test
    void theVmxInstructionsExitThenRaiseUd() throws IOException, InterruptedException {
        GuestSymbols vmx = GuestSymbols.of(TestGuests.path("vmxinsns64"));
        List<Map<String, String>> run = trace("vmxinsns64", "all");
        // {symbol, reason}: VMXON 27, VMPTRST 22, VMREAD 23, VMWRITE 25, VMLAUNCH 20, VMXOFF 26
        Object[][] exits = {{"vmxon", 27}, {"vmptrst", 22}, {"vmread", 23}, {"vmwrite", 25},
            {"vmlaunch", 20}, {"vmxoff", 26}};
        for (Object[] e : exits) {
            String op = "op_" + e[0];
            Map<String, String> line = exit(run, vmx, "internal", (Integer) e[1], op);
            assertEquals(vmx.address(op + "_end") - vmx.address(op), field(line, "instruction_length"), op);
        }
        // VMXON/VMPTRST (§28.2.5, the VMCLEAR/VMPTRLD/VMPTRST/VMXON table): RIP-relative memory
        // operands, 64-bit address size, DS, index and base invalid; the qualification is the displacement.
        long ripRelative = 2 << 7 | 3 << 15 | 1 << 22 | 1 << 27;
        long memoryBits = 0x0FFF_FF83L; // scaling, address size, register flag, segment, index, base
        for (String[] op : new String[][] {{"vmxon", "vmx_region"}, {"vmptrst", "vmcs_pointer"}}) {
            Map<String, String> line = exit(run, vmx, "internal", "vmxon".equals(op[0]) ? 27 : 22, "op_" + op[0]);
            assertEquals(ripRelative, field(line, "instruction_info") & memoryBits, op[0]);
            assertEquals(vmx.address(op[1]) - vmx.address("op_" + op[0] + "_end"), field(line, "qualification"), op[0]);
        }
        // VMREAD %rax,%rbx: register operand (10), Reg1 = RBX (6:3), Reg2 = RAX (31:28).
        assertEquals(1 << 10 | 3 << 3, field(exit(run, vmx, "internal", 23, "op_vmread"), "instruction_info")
            & 0xF000_0478L);
        // VMWRITE 8(%rsp),%rdx: memory operand with base RSP (26:23 = 4) in SS (17:15 = 2), no index,
        // Reg2 = RDX (31:28 = 2); the qualification is the displacement 8.
        Map<String, String> vmwrite = exit(run, vmx, "internal", 25, "op_vmwrite");
        assertEquals(2 << 7 | 2 << 15 | 1 << 22 | 4 << 23 | 2L << 28, field(vmwrite, "instruction_info") & 0xFFFF_FF83L);
        assertEquals(8, field(vmwrite, "qualification"));
    }

    /**
     * {@code guests/exits/xsetbv64.s}: XSETBV exits unconditionally (§26.1.2) with basic reason 55
     * (Appendix C) once its own #UD check, CR4.OSXSAVE, has passed (§26.1.1); the exit qualification
     * is not used and the instruction length is XSETBV's 3 bytes (0F 01 D1). XGETBV never exits.
     */
    @Test
    void xsetbvIsReason55WithItsLength() throws IOException, InterruptedException {
        GuestSymbols xsetbv = GuestSymbols.of(TestGuests.path("xsetbv64"));
        List<Map<String, String>> run = trace("xsetbv64", "xsetbv");
        Map<String, String> line = exit(run, xsetbv, "internal", 55, "op_xsetbv");
        assertEquals(0, field(line, "qualification"));
        assertEquals(3, field(line, "instruction_length"));
        assertEquals(xsetbv.address("op_xgetbv") - xsetbv.address("op_xsetbv"), field(line, "instruction_length"));
        String xgetbvRip = Long.toUnsignedString(xsetbv.address("op_xgetbv"));
        assertFalse(run.stream().anyMatch(e -> xgetbvRip.equals(e.get("rip"))), "XGETBV takes no exit");
    }

    @Test
    void theInterruptWindowExitIsReason7() {
        assertFalse(lines.stream().filter(e -> "interrupt-window".equals(e.get("kind")))
            .anyMatch(e -> !"7".equals(e.get("reason"))));
        assertFalse(lines.stream().noneMatch(e -> "interrupt-window".equals(e.get("kind"))));
    }
}
