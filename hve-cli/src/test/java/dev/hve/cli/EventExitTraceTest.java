package dev.hve.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * Exits that events cause, through the runner: {@code guests/exits/events64.s} halts until a
 * PIT interrupt, sends itself an NMI whose handler sends a second one while NMIs are blocked, and
 * ends in a triple fault. Each backend shows its own machinery for the held NMI: VT-x an
 * NMI-window exit (reason 8) once the handler's IRET unblocks NMIs; SVM, which has no NMI
 * window, an IRET intercept (EXITCODE 0x74) that the backend set after injecting the first NMI.
 * The guest itself checks that the second NMI never arrived inside the first handler.
 */
class EventExitTraceTest {

    private static final int TRIPLE_FAULT_STATUS = 4;

    @TempDir
    static Path temp;
    private static GuestSymbols symbols;

    @BeforeAll
    static void readSymbols() throws IOException, InterruptedException {
        symbols = GuestSymbols.of(TestGuests.path("events64"));
    }

    private static List<Map<String, String>> trace(String backend) throws IOException {
        Path file = temp.resolve(backend + ".jsonl");
        RunnerHarness.Result result = RunnerHarness.run("run", "-q", "--backend", backend, "--kernel",
            TestGuests.path("events64").toString(), "--trace-exits", file.toString());
        assertEquals(TRIPLE_FAULT_STATUS, result.status(), "every check passed, then the triple fault; stderr: "
            + result.err());
        assertTrue(result.err().contains("triple-faulted at RIP 0x" + Long.toHexString(symbols.address("op_triple_fault"))),
            result.err());
        return Files.readAllLines(file).stream().map(JsonLine::parse).collect(Collectors.toList());
    }

    private static List<Map<String, String>> withReason(List<Map<String, String>> lines, String kind, long reason) {
        return lines.stream().filter(e -> kind.equals(e.get("kind")) && String.valueOf(reason).equals(e.get("reason")))
            .collect(Collectors.toList());
    }

    private static Map<String, String> single(List<Map<String, String>> lines, String kind, long reason, String symbol) {
        List<Map<String, String>> found = withReason(lines, kind, reason);
        assertEquals(1, found.size(), "one " + kind + " exit with reason " + reason + ": " + found);
        if (symbol != null) {
            assertEquals(Long.toUnsignedString(symbols.address(symbol)), found.get(0).get("rip"), kind + " at " + symbol);
        }
        return found.get(0);
    }

    @Test
    void vmxHltNmiWindowAndTripleFault() throws IOException {
        List<Map<String, String>> lines = trace("vmx");
        // Basic exit reasons 12, 8 and 2 (SDM Vol. 3C Appendix C); HLT reports its length (1).
        assertEquals("1", single(lines, "hlt", 12, "op_hlt").get("instruction_length"));
        Map<String, String> window = single(lines, "internal", 8, null);
        long rip = Long.parseLong(window.get("rip"));
        assertTrue(rip < symbols.address("op_nmi_iret") - 64 || rip > symbols.address("op_nmi_iret"),
            "the NMI window opens after the handler's IRET, outside the handler (rip " + rip + ")");
        assertEquals("0", window.get("qualification"), "NMI-window exits have no qualification");
        Map<String, String> shutdown = single(lines, "shutdown", 2, "op_triple_fault");
        assertEquals("2", shutdown.get("exit_reason"), "a triple fault is a VM exit, not an entry failure (bit 31 clear)");
    }

    @Test
    void svmHltIretInterceptAndShutdown() throws IOException {
        List<Map<String, String>> lines = trace("svm");
        // EXITCODEs HLT 0x78, IRET 0x74, SHUTDOWN 0x7F (APM Vol. 2 Appendix C); nRIP after HLT and IRETQ.
        Map<String, String> hlt = single(lines, "hlt", 0x78, "op_hlt");
        assertEquals(Long.toUnsignedString(symbols.address("op_hlt") + 1), hlt.get("next_rip"));
        List<Map<String, String>> irets = withReason(lines, "internal", 0x74);
        assertTrue(!irets.isEmpty(), "the backend intercepted IRET to see NMIs unblock");
        for (Map<String, String> iret : irets) {
            assertEquals(Long.toUnsignedString(symbols.address("op_nmi_iret")), iret.get("rip"), "IRET of the NMI handler");
            assertEquals(Long.toUnsignedString(symbols.address("op_nmi_iret") + 2), iret.get("next_rip"),
                "nRIP after the 2-byte IRETQ");
        }
        single(lines, "shutdown", 0x7F, "op_triple_fault");
    }

    @Test
    void timeSlicesEndWithThePreemptionTimerOrAPhysicalInterrupt() throws IOException {
        // exits64 spins long enough with interrupts off to span several time slices. The backends
        // end a slice their own way: the VMX-preemption timer (reason 52) on VT-x, a physical
        // interrupt taken through the INTR intercept (EXITCODE 0x60) on SVM.
        for (String backend : List.of("vmx", "svm")) {
            List<Map<String, String>> lines = InterceptedExitsTest.trace(temp.resolve(backend + "-slices.jsonl"), backend).stream()
                .map(JsonLine::parse).collect(Collectors.toList());
            List<Map<String, String>> slices = lines.stream().filter(e -> "preempted".equals(e.get("kind")))
                .collect(Collectors.toList());
            assertTrue(!slices.isEmpty(), backend + ": the spin loop outlasts a slice");
            String reason = backend.equals("vmx") ? "52" : String.valueOf(0x60);
            for (Map<String, String> slice : slices) {
                assertEquals(reason, slice.get("reason"), backend + ": " + slice);
            }
        }
    }
}
