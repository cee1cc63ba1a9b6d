package dev.hve.cli;

import picocli.CommandLine.Option;

/** The {@code -v}/{@code -q} options every subcommand takes. */
final class LoggingOptions {

    @Option(names = {"-v", "--verbose"}, description = "Log more: -v for debug, -vv for trace.")
    boolean[] verbose = new boolean[0];

    @Option(names = {"-q", "--quiet"}, description = "Log only warnings and errors.")
    boolean quiet;

    void apply() {
        Verbosity.apply(verbose.length, quiet);
    }
}
