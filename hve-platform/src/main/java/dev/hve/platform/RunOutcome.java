package dev.hve.platform;

/** How a guest run ended. The runner maps each to a documented process exit status. */
public sealed interface RunOutcome {

    /** One line for the user. */
    String describe();

    /** The guest wrote {@code value} to the debug-exit port. */
    record DebugExit(int value) implements RunOutcome {
        public int status() {
            return (value << 1) | 1;
        }

        @Override
        public String describe() {
            return "guest wrote " + value + " to the debug-exit port (status " + status() + ")";
        }
    }

    /** The guest asked for a reset or power-off: a clean end. */
    record Reset(String source) implements RunOutcome {
        @Override
        public String describe() {
            return "guest requested a reset through " + source;
        }
    }

    /** A triple fault or other shutdown condition. */
    record TripleFault(String detail, long rip) implements RunOutcome {
        @Override
        public String describe() {
            return String.format("guest triple-faulted at RIP 0x%x: %s", rip, detail);
        }
    }

    /** The backend refused to enter the guest (invalid guest state, VMRUN consistency checks). */
    record EntryFailure(String detail, long vendorError) implements RunOutcome {
        @Override
        public String describe() {
            return "VM entry failed: " + detail;
        }
    }

    /** An exit the platform has no handler for, with the report needed to debug it. */
    record UnhandledExit(String report) implements RunOutcome {
        @Override
        public String describe() {
            return report;
        }
    }

    /** The guest halted with no way to wake (interrupts off, or no interrupt source armed). */
    record Halted(long rip) implements RunOutcome {
        @Override
        public String describe() {
            return String.format("guest halted at RIP 0x%x with nothing that can wake it", rip);
        }
    }

    /** The instruction limit the user set was reached. */
    record InstructionLimit(long retired) implements RunOutcome {
        @Override
        public String describe() {
            return "stopped after " + retired + " instructions (--max-instructions)";
        }
    }

    /** The wall-clock limit the user set was reached. */
    record Timeout(long millis) implements RunOutcome {
        @Override
        public String describe() {
            return "stopped after " + millis + " ms (--timeout)";
        }
    }
}
