package dev.hve.cli.run;

import dev.hve.api.Vcpu;
import dev.hve.api.VmExit;
import dev.hve.platform.ExitObserver;
import java.io.PrintStream;

/** Shows a long run's progress on a terminal's stderr, overwriting one line. */
final class ProgressReporter implements ExitObserver {

    private final PrintStream err;

    ProgressReporter(PrintStream err) {
        this.err = err;
    }

    @Override
    public void exitHandled(long sequence, Vcpu vcpu, long rip, VmExit exit, long portValue, long handlingNanos) {
    }

    @Override
    public void progress(long retiredInstructions, long elapsedNanos) {
        double seconds = elapsedNanos / 1e9;
        err.printf("\r[hve] %.1f s, %,d instructions, %.1f MIPS   ", seconds, retiredInstructions,
            retiredInstructions / seconds / 1e6);
        err.flush();
    }
}
