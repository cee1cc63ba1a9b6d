package dev.hve.cli;

import dev.hve.cli.config.Console;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Drives the runner's real entry point with captured streams. */
final class RunnerHarness {

    /** @param outBytes stdout (the serial console with --serial stdio) exactly as written */
    record Result(int status, String out, String err, byte[] outBytes) {
    }

    private RunnerHarness() {
    }

    static Result run(String... args) {
        return runWithInput(new ByteArrayInputStream(new byte[0]), args);
    }

    /** Runs with {@code stdin} as standard input, as a pipe into the runner would be. */
    static Result runWithInput(InputStream stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        int status = Main.execute(args, new Console(stdin, outStream, errStream));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8),
            out.toByteArray());
    }
}
