package dev.hve.bench;

import dev.hve.platform.machine.Machine;
import dev.hve.platform.machine.MachineConfig;
import dev.hve.platform.RunLimits;
import dev.hve.platform.RunOutcome;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs several whole-guest workloads in one JVM, one fresh {@link Machine} each, for
 * {@code bench/compare.sh --smoke}: starting a JVM per run would cost more than the tiny runs
 * themselves. Each argument is {@code BACKEND|MEMORY|KERNEL|SERIAL_FILE}; COM1 output goes to
 * SERIAL_FILE. For each run it prints one line on stdout:
 *
 * <pre>RUN backend=vmx kernel=PATH status=67 instructions=57959 run_s=0.168 outcome=...</pre>
 *
 * Status follows {@code hve run}: (v &lt;&lt; 1) | 1 for a debug-exit value v, 0 for a reset, 4 a
 * triple fault, 6 an entry failure, 8 an unhandled exit, 10/12 a limit, 14 a halt for good.
 * Usage: {@code java -cp benchmarks.jar dev.hve.bench.WorkloadBatch [--timeout-ms N] RUN...}
 */
public final class WorkloadBatch {

    private WorkloadBatch() {
    }

    public static void main(String[] args) throws IOException {
        long timeoutMillis = 60_000;
        int first = 0;
        if (args.length >= 2 && args[0].equals("--timeout-ms")) {
            timeoutMillis = Long.parseLong(args[1]);
            first = 2;
        }
        PrintStream out = System.out;
        int failures = 0;
        for (int i = first; i < args.length; i++) {
            String[] parts = args[i].split("\\|", -1);
            if (parts.length != 4) {
                System.err.println("WorkloadBatch: expected BACKEND|MEMORY|KERNEL|SERIAL_FILE, got " + args[i]);
                System.exit(2);
            }
            String backend = parts[0];
            long memory = parseSize(parts[1]);
            Path kernel = Path.of(parts[2]);
            Path serial = Path.of(parts[3]);
            int status;
            long instructions = 0;
            long nanos = 0;
            String outcomeText;
            try (OutputStream serialOut = new BufferedOutputStream(Files.newOutputStream(serial))) {
                Backends.Choice choice = Backends.byName(backend);
                Machine machine = new Machine(choice.provider().createVm(choice.host()), choice.host(),
                    new MachineConfig(memory, 1, serialOut), List.of());
                machine.load(kernel.toString(), Files.readAllBytes(kernel), "", List.of());
                long start = System.nanoTime();
                RunOutcome outcome = machine.run(new RunLimits(0, timeoutMillis), null);
                nanos = System.nanoTime() - start;
                instructions = machine.vcpu(0).retiredInstructions();
                status = statusOf(outcome);
                outcomeText = outcome.describe();
            } catch (Exception | StackOverflowError e) {
                status = 70;
                outcomeText = "internal error: " + e;
            }
            if (status == 70) {
                failures++;
            }
            out.printf("RUN backend=%s kernel=%s status=%d instructions=%d run_s=%.3f outcome=%s%n", backend, kernel,
                status, instructions, nanos / 1e9, outcomeText.replace('\n', ' '));
            out.flush();
        }
        System.exit(failures == 0 ? 0 : 1);
    }

    static int statusOf(RunOutcome outcome) {
        if (outcome instanceof RunOutcome.DebugExit exit) {
            return exit.status();
        } else if (outcome instanceof RunOutcome.Reset) {
            return 0;
        } else if (outcome instanceof RunOutcome.TripleFault) {
            return 4;
        } else if (outcome instanceof RunOutcome.EntryFailure) {
            return 6;
        } else if (outcome instanceof RunOutcome.UnhandledExit) {
            return 8;
        } else if (outcome instanceof RunOutcome.InstructionLimit) {
            return 10;
        } else if (outcome instanceof RunOutcome.Timeout) {
            return 12;
        } else if (outcome instanceof RunOutcome.Halted) {
            return 14;
        }
        return 70;
    }

    static long parseSize(String text) {
        String t = text.trim().toUpperCase();
        long unit = 1;
        if (t.endsWith("K")) {
            unit = 1L << 10;
        } else if (t.endsWith("M")) {
            unit = 1L << 20;
        } else if (t.endsWith("G")) {
            unit = 1L << 30;
        }
        if (unit != 1) {
            t = t.substring(0, t.length() - 1);
        }
        return Long.parseLong(t) * unit;
    }
}
