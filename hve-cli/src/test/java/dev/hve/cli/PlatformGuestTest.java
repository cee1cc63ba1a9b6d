package dev.hve.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The virtual PC end to end, on both backends: timer interrupts from the PIT through the PIC and
 * from the local APIC, the UART in loopback and with interrupts, a multiboot kernel with modules
 * and a command line, and MMIO decode of every instruction form. Each guest checks itself and
 * reports through the debug-exit port.
 */
class PlatformGuestTest {

    private static final int ALL_CHECKS_PASSED = (0x2A << 1) | 1;

    @TempDir
    Path temp;

    private RunnerHarness.Result run(String backend, String guest, String... extra) {
        String[] args = new String[5 + extra.length];
        args[0] = "run";
        args[1] = "-q";
        args[2] = "--backend";
        args[3] = backend;
        System.arraycopy(extra, 0, args, 4, extra.length);
        args[args.length - 1] = TestGuests.path(guest).toString();
        return RunnerHarness.run(args);
    }

    private void assertPasses(String backend, String guest, String output, String... extra) {
        RunnerHarness.Result result = run(backend, guest, extra);
        assertEquals(output, result.out(), result.err());
        assertEquals(ALL_CHECKS_PASSED, result.status(), "the guest's own checks; stderr: " + result.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"vmx", "svm"})
    void pitTimerInterruptsThroughThePic(String backend) {
        assertPasses(backend, "pit", "pit: 10 ticks through the pic\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"vmx", "svm"})
    void localApicTimerInterrupts(String backend) {
        assertPasses(backend, "lapic", "lapic: 5 periodic timer interrupts\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"vmx", "svm"})
    void uartLoopbackAndInterrupts(String backend) {
        assertPasses(backend, "uart", "uart: loopback and THRE interrupts\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"vmx", "svm"})
    void multibootKernelWithModulesAndCommandLine(String backend) throws IOException {
        Path one = Files.writeString(temp.resolve("one.txt"), "first module\n");
        Path two = Files.writeString(temp.resolve("two.txt"), "second\n");
        assertPasses(backend, "modules", "cmdline: hello world\nmodule one: first module\nmodule " + two
            + ": second\n", "--append", "hello world", "--module", one + ",one", "--module", two.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"vmx", "svm"})
    void mmioDecodeOfEveryInstructionForm(String backend) {
        assertPasses(backend, "mmio64", "mmio: every form at 1, 2, 4 and 8 bytes\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"vmx", "svm"})
    void twoVcpusWithTheSecondStartedByInitSipiSipi(String backend) {
        assertPasses(backend, "smp", "AP\nsmp: the AP started through INIT-SIPI-SIPI\n", "--smp", "2");
    }

    /**
     * The core's mode guest (guests/modes/modes.S) through the runner: real, unreal, protected,
     * paged, long (with a ring-3 excursion), compatibility, 16-bit protected and back to real
     * mode, taking #UD, #DE, #BP, #GP, #PF and #DF on purpose; one letter per checkpoint, then a
     * clean reset.
     */
    @ParameterizedTest
    @ValueSource(strings = {"vmx", "svm"})
    void everyModeAndBackWithDeliberateExceptions(String backend) {
        RunnerHarness.Result result = run(backend, "modes", "--memory", "32M");
        assertEquals("RrUPpGLlFDSCcZ\n", result.out(), result.err());
        assertEquals(0, result.status(), "the i8042 reset that follows the last checkpoint; " + result.err());
    }

    private List<String> trace(String backend, String guest, String name) throws IOException {
        Path file = temp.resolve(name);
        RunnerHarness.Result result = run(backend, guest, "--trace-exits", file.toString());
        assertEquals(ALL_CHECKS_PASSED, result.status(), result.err());
        return Files.readAllLines(file);
    }

    @Test
    void theSameGuestTwiceGivesIdenticalTracesAndOutput() throws IOException {
        for (String backend : new String[] {"vmx", "svm"}) {
            RunnerHarness.Result first = run(backend, "pit");
            RunnerHarness.Result second = run(backend, "pit");
            assertEquals(first.out(), second.out());
            assertEquals(trace(backend, "pit", backend + "-1.jsonl"), trace(backend, "pit", backend + "-2.jsonl"),
                "byte-identical --trace-exits files on " + backend);
        }
    }

    @Test
    void vmxAndSvmShowTheSameCommonExitsUnderTimerInterrupts() throws IOException {
        List<String> vmx = CommonExits.of(trace("vmx", "pit", "vmx.jsonl"));
        List<String> svm = CommonExits.of(trace("svm", "pit", "svm.jsonl"));
        assertTrue(vmx.stream().anyMatch(e -> e.contains("kind=hlt")), "the guest halts between ticks");
        assertEquals(vmx, svm);
    }
}
