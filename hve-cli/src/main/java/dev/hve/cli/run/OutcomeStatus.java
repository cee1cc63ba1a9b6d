package dev.hve.cli.run;

import dev.hve.cli.config.ExitStatus;
import dev.hve.platform.RunOutcome;

/** Maps how a run ended to the runner's documented exit status ({@link ExitStatus}). */
final class OutcomeStatus {

    private OutcomeStatus() {
    }

    static int of(RunOutcome outcome) {
        if (outcome instanceof RunOutcome.DebugExit debugExit) {
            return debugExit.status();
        } else if (outcome instanceof RunOutcome.Reset) {
            return ExitStatus.CLEAN;
        } else if (outcome instanceof RunOutcome.TripleFault) {
            return ExitStatus.TRIPLE_FAULT;
        } else if (outcome instanceof RunOutcome.EntryFailure) {
            return ExitStatus.ENTRY_FAILURE;
        } else if (outcome instanceof RunOutcome.UnhandledExit) {
            return ExitStatus.UNHANDLED_EXIT;
        } else if (outcome instanceof RunOutcome.InstructionLimit) {
            return ExitStatus.INSTRUCTION_LIMIT;
        } else if (outcome instanceof RunOutcome.Timeout) {
            return ExitStatus.TIMEOUT;
        } else if (outcome instanceof RunOutcome.Halted) {
            return ExitStatus.HALTED;
        }
        throw new IllegalStateException("no status for " + outcome);
    }
}
