package dev.hve.cli.config;

import java.io.InputStream;
import java.io.PrintStream;

/** The runner's standard streams, passed in so tests can drive the real entry point. */
public record Console(InputStream in, PrintStream out, PrintStream err) {

    public static Console system() {
        return new Console(System.in, System.out, System.err);
    }
}
