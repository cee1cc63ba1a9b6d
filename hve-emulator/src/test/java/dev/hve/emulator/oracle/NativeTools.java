package dev.hve.emulator.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Locates and runs the machine's gcc and binutils; a missing tool fails the test, never skips it. */
public final class NativeTools {

    private NativeTools() {
    }

    /** The module's build directory (honours -Dhve.target through the surefire working directory). */
    public static Path workDirectory() throws IOException {
        String target = System.getProperty("hve.target", "target");
        Path dir = Paths.get(target, "native-tests").toAbsolutePath();
        Files.createDirectories(dir);
        return dir;
    }

    public static String require(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            File f = new File(dir, tool);
            if (f.canExecute()) {
                return f.getAbsolutePath();
            }
        }
        fail(tool + " is required by this test (the host-CPU oracle and decoder checks run real binutils/gcc) "
            + "but was not found on PATH; install gcc and binutils");
        return null;
    }

    /** Runs a command to completion, feeding {@code input} (may be null), returning stdout. */
    public static String run(List<String> command, Path input, long timeoutSeconds) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command);
        Path out = Files.createTempFile(workDirectory(), "out", ".txt");
        Path err = Files.createTempFile(workDirectory(), "err", ".txt");
        pb.redirectOutput(out.toFile());
        pb.redirectError(err.toFile());
        if (input != null) {
            pb.redirectInput(input.toFile());
        }
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("timed out: " + command);
        }
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), () -> command + " failed: " + stderr);
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
        return stdout;
    }

    /** Compiles a C source from src/test/c with gcc into the work directory. */
    public static Path compile(String source, String... flags) throws IOException, InterruptedException {
        String gcc = require("gcc");
        Path src = Paths.get("src/test/c", source).toAbsolutePath();
        Path exe = workDirectory().resolve(source.replace(".c", ""));
        List<String> cmd = new ArrayList<>(List.of(gcc, "-O1", "-o", exe.toString(), src.toString()));
        cmd.addAll(List.of(flags));
        run(cmd, null, 120);
        return exe;
    }
}
