package dev.hve.plugintests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hve.cli.config.Console;
import dev.hve.cli.Main;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The plug-in SDK end to end: the sample backend and extension, built as separate jars against
 * the SDK only, are discovered by the real runner from a plug-in directory. The Hygon backend is
 * selected by CPUID for its vendor and runs the guest to the same output as the built-in
 * backends; the extension serves the guest's hypercalls, CPUID leaf and MSR.
 */
class SamplePluginsTest {

    private static final String EXPECTED = "pv-hypercall: version 1, crc32 cbf43926, guest id set\n";
    private static final int SUCCESS = (0x2A << 1) | 1;

    private static Path plugins;
    private static Path guest;

    record Result(int status, String out, String err) {
    }

    @BeforeAll
    static void locate() {
        plugins = Path.of(System.getProperty("hve.plugin.dir"));
        guest = Path.of(System.getProperty("hve.guest.pvcall"));
        assertTrue(Files.isRegularFile(guest), "the test guest was built: " + guest);
    }

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.execute(args, new Console(new ByteArrayInputStream(new byte[0]),
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void thePluginsAreNotOnTheClassPathSoDiscoveryReallyUsesThePluginDirectory() {
        Result without = run("backends", "-q", "--host-cpu", "hygon");
        assertEquals(2, without.status(), without.out() + without.err());
        assertTrue(without.err().contains("unknown host CPU 'hygon'"), without.err());
    }

    @Test
    void theHygonBackendIsSelectedByCpuidForItsVendor() {
        Result result = run("backends", "-q", "--plugin-path", plugins.toString(), "--host-cpu", "hygon");
        assertEquals(0, result.status(), result.err());
        assertTrue(result.out().contains("HygonGenuine"), result.out());
        assertTrue(result.out().contains("selected: hygon"), result.out());
    }

    @Test
    void theHygonBackendRunsTheGuestLikeTheBuiltInBackends() {
        Result hygon = run("run", "-q", "--plugin-path", plugins.toString(), "--host-cpu", "hygon", guest.toString());
        Result vmx = run("run", "-q", "--plugin-path", plugins.toString(), "--backend", "vmx", guest.toString());
        Result svm = run("run", "-q", "--plugin-path", plugins.toString(), "--backend", "svm", guest.toString());
        for (Result result : new Result[] {hygon, vmx, svm}) {
            assertEquals(EXPECTED, result.out(), result.err());
            assertEquals(SUCCESS, result.status(), result.err());
        }
    }

    @Test
    void withoutTheExtensionTheGuestFindsNoInterface() {
        Path empty = plugins.resolveSibling("no-plugins");
        empty.toFile().mkdirs();
        Result result = run("run", "-q", "--plugin-path", empty.toString(), "--backend", "svm", guest.toString());
        assertFalse(result.out().contains("pv-hypercall"), result.out());
        assertEquals((1 << 1) | 1, result.status(), "step 1, the CPUID signature, fails: " + result.err());
    }
}
