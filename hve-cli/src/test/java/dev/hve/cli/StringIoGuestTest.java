package dev.hve.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * INS/OUTS with REP in 16-, 32- and 64-bit code, emulated in common code from each vendor's exit
 * information. The guests check the data and the registers left behind and report through the
 * debug-exit port; a REP run takes one exit, not one per element.
 */
class StringIoGuestTest {

    private static final int ALL_CHECKS_PASSED = (0x2A << 1) | 1;

    @TempDir
    Path temp;

    private List<Map<String, String>> run(String guest, String backend, String expectedOutput) throws IOException {
        Path trace = temp.resolve(guest + "-" + backend + ".jsonl");
        RunnerHarness.Result result = RunnerHarness.run("run", "-q", "--backend", backend, "--trace-exits",
            trace.toString(), TestGuests.path(guest).toString());
        assertEquals(expectedOutput, result.out(), result.err());
        assertEquals(ALL_CHECKS_PASSED, result.status(), "the guest's own checks; stderr: " + result.err());
        return Files.readAllLines(trace).stream().map(JsonLine::parse).collect(Collectors.toList());
    }

    private static long stringExits(List<Map<String, String>> trace) {
        return trace.stream().filter(e -> "true".equals(e.get("string"))).count();
    }

    @ParameterizedTest
    @ValueSource(strings = {"vmx", "svm"})
    void protectedMode32And16(String backend) throws IOException {
        List<Map<String, String>> trace = run("stringio32", backend, "rep outsb 32\nrep outsb 16\n");
        // Six REP string instructions, 13 + 2 + 3 + 4 + 13 elements: at most one exit each.
        assertTrue(stringExits(trace) <= 6, "batched REP: " + stringExits(trace) + " string exits");
        assertTrue(stringExits(trace) >= 5, "string I/O really exits: " + stringExits(trace));
    }

    @ParameterizedTest
    @ValueSource(strings = {"vmx", "svm"})
    void longMode64(String backend) throws IOException {
        List<Map<String, String>> trace = run("stringio64", backend, "rep outsb 64\naddr32 rep outsb\n");
        assertEquals(3, stringExits(trace), "three REP string instructions, one exit each");
    }
}
