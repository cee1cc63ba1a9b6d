package dev.hve.cli;

import dev.hve.cli.config.ExitStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code --stats} prints exits per common kind and per vendor reason, instructions, MIPS and time. */
class StatsTest {

    private static long count(String table, String row) {
        Matcher matcher = Pattern.compile("(?m)^\\s*" + Pattern.quote(row) + "\\s+([0-9]+)\\s*$").matcher(table);
        assertTrue(matcher.find(), "row '" + row + "' in:\n" + table);
        return Long.parseLong(matcher.group(1));
    }

    @Test
    void vmxTableCountsTheDemoExits() {
        RunnerHarness.Result result = RunnerHarness.run("run", "-q", "--stats", "--backend", "vmx");
        assertEquals(ExitStatus.CLEAN, result.status(), result.err());
        String table = result.err();
        long portIo = count(table, "port-io");
        // 15 characters, each an OUT plus at least one IN of the line status, and the reset OUT.
        assertTrue(portIo >= 31, table);
        assertEquals(1, count(table, "cpuid"), table);
        assertEquals(portIo, count(table, "0x1e (30)"), "every port exit is VMX reason 30:\n" + table);
        assertEquals(1, count(table, "0xa (10)"), "CPUID is VMX reason 10:\n" + table);
        assertTrue(count(table, "retired instructions") > portIo, table);
        assertTrue(table.contains("guest MIPS"), table);
        assertTrue(table.contains("exit handling time"), table);
    }

    @Test
    void svmTableUsesSvmExitCodes() {
        RunnerHarness.Result result = RunnerHarness.run("run", "-q", "--stats", "--backend", "svm");
        assertEquals(ExitStatus.CLEAN, result.status(), result.err());
        String table = result.err();
        assertEquals(count(table, "port-io"), count(table, "0x7b (123)"), table);
        assertEquals(1, count(table, "0x72 (114)"), table);
    }
}
