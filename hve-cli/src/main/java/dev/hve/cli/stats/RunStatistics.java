package dev.hve.cli.stats;

import dev.hve.api.ExitKind;
import dev.hve.api.Vcpu;
import dev.hve.api.VmExit;
import dev.hve.emulator.translate.BlockCompiler;
import dev.hve.platform.ExitObserver;
import java.io.PrintStream;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code --stats}: counts exits per common kind and per vendor reason, and times the run, for the
 * table printed when the guest stops.
 */
public final class RunStatistics implements ExitObserver {

    private static final int COMMON_REASONS = 0x401;

    private final long[] byKind = new long[ExitKind.values().length];
    /** Counts for the common reasons (VMX basic reasons, SVM EXITCODEs up to NPF) without boxing. */
    private final long[] byCommonReason = new long[COMMON_REASONS];
    private final Map<Long, long[]> byOtherReason = new TreeMap<>();
    private String backend;
    private long handlingNanos;
    private long exits;

    @Override
    public void exitHandled(long sequence, Vcpu vcpu, long rip, VmExit exit, long portValue, long handlingNanos) {
        byKind[exit.kind().ordinal()]++;
        // One field read per exit: building the full vendor record here cost a quarter of an
        // exit-heavy run.
        long reason = vcpu.lastExitReason();
        if (backend == null) {
            backend = vcpu.lastExitRecord().backend();
        }
        if (reason >= 0 && reason < COMMON_REASONS) {
            byCommonReason[(int) reason]++;
        } else {
            byOtherReason.computeIfAbsent(reason, r -> new long[1])[0]++;
        }
        this.handlingNanos += handlingNanos;
        exits++;
    }

    /** Prints the table: exits by kind and by vendor reason, instructions, MIPS and time. */
    public void print(PrintStream out, long retiredInstructions, long wallNanos) {
        out.println("---- hve statistics ----");
        out.printf("%-28s %14s%n", "exits by common kind", "count");
        for (ExitKind kind : ExitKind.values()) {
            if (byKind[kind.ordinal()] > 0) {
                out.printf("  %-26s %14d%n", kind.label(), byKind[kind.ordinal()]);
            }
        }
        out.printf("%-28s %14s%n", "exits by " + (backend == null ? "?" : backend) + " reason", "count");
        Map<Long, long[]> byReason = new TreeMap<>(byOtherReason);
        for (int reason = 0; reason < COMMON_REASONS; reason++) {
            if (byCommonReason[reason] > 0) {
                byReason.put((long) reason, new long[] {byCommonReason[reason]});
            }
        }
        for (Map.Entry<Long, long[]> entry : byReason.entrySet()) {
            out.printf("  %-26s %14d%n", reasonLabel(entry.getKey()), entry.getValue()[0]);
        }
        double seconds = wallNanos / 1e9;
        out.printf("%-28s %14d%n", "exits total", exits);
        out.printf("%-28s %14d%n", "retired instructions", retiredInstructions);
        out.printf("%-28s %14.3f%n", "wall time (s)", seconds);
        out.printf("%-28s %14.2f%n", "guest MIPS", seconds > 0 ? retiredInstructions / seconds / 1e6 : 0.0);
        out.printf("%-28s %14.3f%n", "exit handling time (s)", handlingNanos / 1e9);
        // Process-wide: with one guest per runner process, the blocks this guest made hot.
        out.printf("%-28s %14d%n", "blocks compiled", BlockCompiler.compiledInProcess());
    }

    private static String reasonLabel(long reason) {
        return reason < 0 ? String.valueOf(reason) : "0x" + Long.toHexString(reason) + " (" + reason + ")";
    }
}
