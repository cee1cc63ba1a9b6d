package dev.hve.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Debian 12's own kernel (linux-image-amd64, Linux 6.1) boots through PVH to the busybox
 * initramfs on each backend, runs commands given on its command line, and reboots to status 0.
 * The images come from guests/linux/prepare.sh, which CI runs; without them the test is skipped.
 */
class LinuxBootTest {

    private static final Path IMAGES = Path.of(System.getProperty("hve.linux.images", "../guest-images/linux"));
    private static final String MARKER = "HVE-INITRAMFS-READY";

    @ParameterizedTest
    @ValueSource(strings = {"vmx", "svm"})
    void debianKernelBootsThroughPvhRunsCommandsAndReboots(String backend) {
        Path vmlinux = IMAGES.resolve("vmlinux");
        Path initramfs = IMAGES.resolve("initramfs.cpio");
        assumeTrue(Files.isRegularFile(vmlinux) && Files.isRegularFile(initramfs),
            "guests/linux/prepare.sh has prepared " + IMAGES);
        RunnerHarness.Result result = RunnerHarness.run("run", "-q", "--backend", backend, "--cpu", "amd",
            "--memory", "256M", "--max-instructions", "4000000000", "--kernel", vmlinux.toString(),
            "--initrd", initramfs.toString(), "--append",
            "console=ttyS0 hve.cmd=\"uname -a; cat /proc/cpuinfo\" hve.end=reboot");
        String out = result.out();
        assertEquals(0, result.status(), "a clean reboot; stderr: " + result.err() + "\nlast output: "
            + out.substring(Math.max(0, out.length() - 2000)));
        assertTrue(out.contains(MARKER), "the initramfs's /init ran");
        assertTrue(out.contains("Linux (none) 6.1."), "uname -a ran in busybox");
        assertTrue(out.contains("model name\t: AMD HVE model Processor"), "cat /proc/cpuinfo ran");
        assertTrue(out.contains("reboot: Restarting system"), "the kernel rebooted");
    }
}
