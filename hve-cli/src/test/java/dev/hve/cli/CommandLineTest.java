package dev.hve.cli;

import dev.hve.cli.config.ExitStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input gives one line and status 2; selection follows the host CPU's CPUID. */
class CommandLineTest {

    @TempDir
    Path temp;

    private static void assertOneLineUsageError(RunnerHarness.Result result, String expected) {
        assertEquals(ExitStatus.USAGE, result.status(), result.err());
        String err = result.err().strip();
        assertFalse(err.contains("\n"), "one line, no stack trace: " + err);
        assertTrue(err.startsWith("hve: "), err);
        assertTrue(err.contains(expected), err);
    }

    @Test
    void unknownOptionIsOneLineAndStatusTwo() {
        assertOneLineUsageError(RunnerHarness.run("run", "--no-such-option"), "--no-such-option");
    }

    @Test
    void missingKernelFileIsOneLineAndStatusTwo() {
        assertOneLineUsageError(RunnerHarness.run("run", "-q", temp.resolve("absent.elf").toString()), "no such file");
    }

    @Test
    void badMemorySizeIsOneLineAndStatusTwo() {
        assertOneLineUsageError(RunnerHarness.run("run", "--memory", "lots"), "lots");
    }

    @Test
    void unknownBackendIsOneLineAndStatusTwo() {
        assertOneLineUsageError(RunnerHarness.run("run", "-q", "--backend", "hyperv"), "unknown backend 'hyperv'");
    }

    @Test
    void backendThatTheChosenHostCannotRunIsRefused() {
        assertOneLineUsageError(RunnerHarness.run("run", "-q", "--host-cpu", "amd", "--backend", "vmx"),
            "does not qualify");
    }

    @Test
    void aFileThatIsNotMultibootIsRefusedWithItsName() throws IOException {
        Path junk = temp.resolve("junk.bin");
        Files.write(junk, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        assertOneLineUsageError(RunnerHarness.run("run", "-q", junk.toString()), "junk.bin: not a kernel HVE can boot");
    }

    @Test
    void intelHostSelectsVmxAndAmdHostSelectsSvm() {
        RunnerHarness.Result intel = RunnerHarness.run("backends", "-q", "--host-cpu", "intel");
        RunnerHarness.Result amd = RunnerHarness.run("backends", "-q", "--host-cpu", "amd");
        assertEquals(ExitStatus.CLEAN, intel.status(), intel.err());
        assertTrue(intel.out().contains("selected: vmx"), intel.out());
        assertTrue(intel.out().contains("GenuineIntel"), intel.out());
        assertEquals(ExitStatus.CLEAN, amd.status(), amd.err());
        assertTrue(amd.out().contains("selected: svm"), amd.out());
        assertTrue(amd.out().contains("AuthenticAMD"), amd.out());
    }

    @Test
    void helpAndVersionWork() {
        RunnerHarness.Result help = RunnerHarness.run("run", "--help");
        assertEquals(0, help.status());
        assertTrue(help.out().contains("--trace-exits"), help.out());
        assertTrue(help.out().contains("Exit status"), help.out());
        RunnerHarness.Result version = RunnerHarness.run("--version");
        assertEquals(0, version.status());
        assertTrue(version.out().startsWith("hve "), version.out());
    }
}
