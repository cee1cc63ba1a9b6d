package dev.hve.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** {@code -v} and {@code -q}: the log level of the runner, set on Logback's root logger. */
final class Verbosity {

    private Verbosity() {
    }

    static void apply(int verbose, boolean quiet) {
        Level level;
        if (quiet) {
            level = Level.WARN;
        } else if (verbose >= 2) {
            level = Level.TRACE;
        } else if (verbose == 1) {
            level = Level.DEBUG;
        } else {
            level = Level.INFO;
        }
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(level);
    }
}
