package dev.hve.cli;

import dev.hve.cli.config.ExitStatus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each way a run can end gives its documented status and a one-line reason, on both backends. */
class ExitStatusTest {

    @TempDir
    Path temp;

    private RunnerHarness.Result run(String backend, byte[] code, String... extra) throws IOException {
        Path file = temp.resolve("guest-" + backend + ".elf");
        Files.write(file, new TestElf(code).build());
        String[] args = new String[5 + extra.length];
        args[0] = "run";
        args[1] = "-q";
        args[2] = "--backend";
        args[3] = backend;
        System.arraycopy(extra, 0, args, 4, extra.length);
        args[args.length - 1] = file.toString();
        return RunnerHarness.run(args);
    }

    private static void assertReason(RunnerHarness.Result result, int status, String reason) {
        assertEquals(status, result.status(), result.err());
        assertTrue(result.err().strip().lines().count() == 1, "one line: " + result.err());
        assertTrue(result.err().contains(reason), result.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"vmx", "svm"})
    void debugExitValueBecomesTheStatus(String backend) throws IOException {
        // mov $0x05,%al; out %al,$0xf4
        RunnerHarness.Result result = run(backend, new byte[] {(byte) 0xB0, 0x05, (byte) 0xE6, (byte) 0xF4});
        assertEquals((5 << 1) | 1, result.status(), result.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"vmx", "svm"})
    void tripleFault(String backend) throws IOException {
        // ud2 with an IDT of zeros: #UD finds a not-present gate (#NP), which faults again (#DF),
        // whose delivery faults too: a triple fault (Intel SDM Vol. 3A §6.15, interrupt 8).
        assertReason(run(backend, new byte[] {0x0F, 0x0B}), ExitStatus.TRIPLE_FAULT, "triple-fault");
    }

    @ParameterizedTest
    @ValueSource(strings = {"vmx", "svm"})
    void instructionLimit(String backend) throws IOException {
        // jmp . forever
        assertReason(run(backend, new byte[] {(byte) 0xEB, (byte) 0xFE}, "--max-instructions", "5000"),
            ExitStatus.INSTRUCTION_LIMIT, "5000 instructions");
    }

    @ParameterizedTest
    @ValueSource(strings = {"vmx", "svm"})
    void timeout(String backend) throws IOException {
        assertReason(run(backend, new byte[] {(byte) 0xEB, (byte) 0xFE}, "--timeout", "300ms"),
            ExitStatus.TIMEOUT, "--timeout");
    }

    @ParameterizedTest
    @ValueSource(strings = {"vmx", "svm"})
    void haltWithInterruptsOffCanNeverWake(String backend) throws IOException {
        // cli; hlt
        assertReason(run(backend, new byte[] {(byte) 0xFA, (byte) 0xF4}), ExitStatus.HALTED, "halted");
    }
}
