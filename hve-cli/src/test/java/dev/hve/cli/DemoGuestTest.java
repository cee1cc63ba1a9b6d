package dev.hve.cli;

import dev.hve.cli.config.ExitStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The walking skeleton end to end: the demo guest runs on both backends through the runner's real
 * entry point, and its UART output really travels as port-I/O exits carrying each vendor's own
 * exit record.
 */
class DemoGuestTest {

    private static final int COM1 = 0x3F8;
    /** VMX basic exit reason 30, I/O instruction (Intel SDM Vol. 3C appendix C). */
    private static final long VMX_EXIT_IO_INSTRUCTION = 30;
    /** SVM EXITCODE 0x7B, IOIO (AMD APM Vol. 2 appendix C). */
    private static final long SVM_EXIT_IOIO = 0x7B;

    @TempDir
    Path temp;

    private List<Map<String, String>> runDemo(String backend) throws IOException {
        Path trace = temp.resolve(backend + ".jsonl");
        RunnerHarness.Result result = RunnerHarness.run("run", "-q", "--backend", backend, "--trace-exits",
            trace.toString());
        assertEquals("Hello from HVE\n", result.out(), "serial output on " + backend + "; stderr: " + result.err());
        assertEquals(ExitStatus.CLEAN, result.status(), "status on " + backend + "; stderr: " + result.err());
        return Files.readAllLines(trace).stream().map(JsonLine::parse).collect(Collectors.toList());
    }

    private static List<Map<String, String>> outsToCom1(List<Map<String, String>> trace) {
        return trace.stream().filter(e -> e.get("kind").equals("port-io") && e.get("direction").equals("out")
            && Integer.parseInt(e.get("port")) == COM1).collect(Collectors.toList());
    }

    @Test
    void vmxReportsEveryUartWriteAsAnIoInstructionExitWithTheSdmQualification() throws IOException {
        List<Map<String, String>> trace = runDemo("vmx");
        List<Map<String, String>> outs = outsToCom1(trace);
        assertEquals("Hello from HVE\n".length(), outs.size(), "one OUT exit per character");
        for (Map<String, String> exit : outs) {
            assertEquals("vmx", exit.get("backend"));
            assertEquals(VMX_EXIT_IO_INSTRUCTION, Long.parseLong(exit.get("reason")));
            long qualification = Long.parseLong(exit.get("qualification"));
            // SDM Vol. 3C table 28-5: bits 2:0 size-1, 3 direction (0 = OUT), 4 string, 5 REP,
            // 6 operand encoding (0 = DX), 31:16 port.
            assertEquals(0, qualification & 0x7, "1-byte access");
            assertEquals(0, qualification >> 3 & 1, "direction OUT");
            assertEquals(0, qualification >> 4 & 1, "not a string instruction");
            assertEquals(0, qualification >> 5 & 1, "no REP");
            assertEquals(0, qualification >> 6 & 1, "port in DX");
            assertEquals(COM1, qualification >>> 16 & 0xFFFF, "port number");
            assertEquals(0, qualification & 0xFF80 & ~0xFFFF0000L, "reserved bits clear");
        }
    }

    @Test
    void svmReportsEveryUartWriteAsAnIoioExitWithTheApmExitInfo() throws IOException {
        List<Map<String, String>> trace = runDemo("svm");
        List<Map<String, String>> outs = outsToCom1(trace);
        assertEquals("Hello from HVE\n".length(), outs.size(), "one OUT exit per character");
        for (Map<String, String> exit : outs) {
            assertEquals("svm", exit.get("backend"));
            assertEquals(SVM_EXIT_IOIO, Long.parseLong(exit.get("reason")));
            long exitinfo1 = Long.parseLong(exit.get("exitinfo1"));
            // APM Vol. 2 §15.10.2, figure 15-2: bit 0 TYPE (1 = IN), 2 STR, 3 REP, 4 SZ8, 5 SZ16,
            // 6 SZ32, 31:16 port.
            assertEquals(0, exitinfo1 & 1, "TYPE = OUT");
            assertEquals(0, exitinfo1 >> 2 & 1, "not a string instruction");
            assertEquals(0, exitinfo1 >> 3 & 1, "no REP");
            assertEquals(1, exitinfo1 >> 4 & 0x7, "SZ8");
            assertEquals(COM1, exitinfo1 >>> 16 & 0xFFFF, "port number");
            // EXITINFO2 is the next RIP: the demo's OUT %al,%dx is one byte long.
            assertEquals(Long.parseLong(exit.get("rip")) + 1, Long.parseLong(exit.get("exitinfo2")), "next RIP");
        }
    }

    @Test
    void bothBackendsShowTheSameCommonExitsAndPayloads() throws IOException {
        List<String> vmx = commonView(runDemo("vmx"));
        List<String> svm = commonView(runDemo("svm"));
        assertFalse(vmx.isEmpty());
        assertTrue(vmx.stream().anyMatch(e -> e.contains("kind=cpuid")), "the demo executes CPUID: " + vmx);
        assertEquals(vmx, svm);
    }

    /** The vendor-neutral part of each trace line: kind, RIP and payload, without the vendor record. */
    private static List<String> commonView(List<Map<String, String>> trace) {
        List<String> common = List.of("vcpu", "kind", "rip", "port", "size", "direction", "value", "string", "rep",
            "leaf", "subleaf", "gpa", "write", "fetch", "msr", "vector", "error_code", "detail");
        return trace.stream().map(e -> e.entrySet().stream().filter(f -> common.contains(f.getKey()))
            .map(f -> f.getKey() + "=" + f.getValue()).collect(Collectors.joining(" "))).collect(Collectors.toList());
    }

    @Test
    void cpuidChoosesTheBackendAndBothGiveTheSameResultWithoutATrace() {
        RunnerHarness.Result auto = RunnerHarness.run("run", "-q");
        RunnerHarness.Result vmx = RunnerHarness.run("run", "-q", "--backend", "vmx");
        RunnerHarness.Result svm = RunnerHarness.run("run", "-q", "--backend", "svm");
        assertEquals("Hello from HVE\n", auto.out(), auto.err());
        assertEquals(auto.out(), vmx.out());
        assertEquals(auto.out(), svm.out());
        assertEquals(ExitStatus.CLEAN, auto.status());
        assertEquals(auto.status(), vmx.status());
        assertEquals(auto.status(), svm.status());
    }
}
