package dev.hve.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Debian 12's own kernel (linux-image-amd64, Linux 6.1) boots through PVH to the busybox
 * initramfs on each backend, runs commands given on its command line, then takes commands typed
 * into its serial console from a pipe (stdin with {@code --serial stdio}) and reboots to status 0.
 * With the default virtual clock and the same guest CPU model, the two backends' serial outputs
 * are byte-identical. The images come from guests/linux/prepare.sh, which CI runs; without them
 * the test is skipped.
 */
class LinuxBootTest {

    private static final Path IMAGES = Path.of(System.getProperty("hve.linux.images", "../guest-images/linux"));
    private static final String MARKER = "HVE-INITRAMFS-READY";
    /** What a user pipes into the console: typed ahead during boot, read by the shell at its prompt. */
    private static final String TYPED = "echo hi-$((6*7))\nreboot -f\n";

    /**
     * Both boots run at once, one per backend, since each costs about two billion instructions and
     * the comparison needs both anyway.
     */
    @Test
    void debianKernelBootsThroughPvhToAnInteractiveShellIdenticallyOnBothBackends() throws Exception {
        Path vmlinux = IMAGES.resolve("vmlinux");
        Path initramfs = IMAGES.resolve("initramfs.cpio");
        assumeTrue(Files.isRegularFile(vmlinux) && Files.isRegularFile(initramfs),
            "guests/linux/prepare.sh has prepared " + IMAGES);
        ExecutorService boots = Executors.newFixedThreadPool(2);
        try {
            Future<RunnerHarness.Result> vmx = boots.submit(() -> boot("vmx", vmlinux, initramfs));
            Future<RunnerHarness.Result> svm = boots.submit(() -> boot("svm", vmlinux, initramfs));
            RunnerHarness.Result onVmx = vmx.get();
            RunnerHarness.Result onSvm = svm.get();
            assertBootedAndTookTypedCommands("vmx", onVmx);
            assertBootedAndTookTypedCommands("svm", onSvm);
            assertEquals(onVmx.out(), onSvm.out(), "the same serial output on both backends");
            assertArrayEquals(onVmx.outBytes(), onSvm.outBytes(), "byte for byte");
        } finally {
            boots.shutdownNow();
        }
    }

    private static RunnerHarness.Result boot(String backend, Path vmlinux, Path initramfs) {
        return RunnerHarness.runWithInput(new ByteArrayInputStream(TYPED.getBytes(StandardCharsets.US_ASCII)),
            "run", "-q", "--backend", backend, "--cpu", "amd", "--memory", "256M", "--max-instructions", "4000000000",
            "--serial", "stdio", "--kernel", vmlinux.toString(), "--initrd", initramfs.toString(), "--append",
            "console=ttyS0 hve.cmd=\"uname -a; cat /proc/cpuinfo\" hve.end=shell");
    }

    private static void assertBootedAndTookTypedCommands(String backend, RunnerHarness.Result result) {
        String out = result.out();
        String context = " on " + backend + "; stderr: " + result.err() + "\nlast output: "
            + out.substring(Math.max(0, out.length() - 2000));
        assertEquals(0, result.status(), "a clean reboot" + context);
        assertTrue(out.contains(MARKER), "the initramfs's /init ran" + context);
        assertTrue(out.contains("Linux (none) 6.1."), "uname -a ran in busybox" + context);
        assertTrue(out.contains("model name\t: AMD HVE model Processor"), "cat /proc/cpuinfo ran" + context);
        assertTrue(out.contains("echo hi-$((6*7))"), "the shell echoed the typed command" + context);
        assertTrue(out.contains("hi-42\r\n"), "the shell ran the typed command" + context);
        assertTrue(out.indexOf("hi-42\r\n") > out.indexOf(MARKER), "after /init's marker" + context);
        assertTrue(out.contains("reboot: Restarting system"), "the typed reboot -f rebooted" + context);
    }
}
