package dev.hve.difftests.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Compares two runs in the order a reader debugs them: the first diverging exit, then the first
 * diverging device transaction, how each run ended, the registers, and the first differing byte
 * of guest memory. Returns the divergence, or empty when the runs agree.
 */
public final class Comparison {

    /** The first difference: what it is and at which guest RIP (or -1), for the listing's marker. */
    public record Divergence(String text, long rip) {
    }

    private Comparison() {
    }

    public static Optional<Divergence> firstDivergence(RunResult a, RunResult b) {
        List<ExitEvent> ea = a.exits();
        List<ExitEvent> eb = b.exits();
        for (int i = 0; i < Math.min(ea.size(), eb.size()); i++) {
            if (!ea.get(i).equals(eb.get(i))) {
                return Optional.of(new Divergence(String.format("exit %d differs:%n  %s: %s%n  %s: %s", i,
                    a.backend(), ea.get(i), b.backend(), eb.get(i)), ea.get(i).rip()));
            }
        }
        if (ea.size() != eb.size()) {
            int i = Math.min(ea.size(), eb.size());
            String na = i < ea.size() ? ea.get(i).toString() : "(no more exits; run ended: " + a.end() + ")";
            String nb = i < eb.size() ? eb.get(i).toString() : "(no more exits; run ended: " + b.end() + ")";
            long rip = i < ea.size() ? ea.get(i).rip() : eb.get(i).rip();
            return Optional.of(new Divergence(String.format("exit %d differs:%n  %s: %s%n  %s: %s", i, a.backend(), na,
                b.backend(), nb), rip));
        }
        List<Transaction> ta = a.transactions();
        List<Transaction> tb = b.transactions();
        for (int i = 0; i < Math.max(ta.size(), tb.size()); i++) {
            Transaction x = i < ta.size() ? ta.get(i) : null;
            Transaction y = i < tb.size() ? tb.get(i) : null;
            if (!Objects.equals(x, y)) {
                return Optional.of(new Divergence(String.format("device transaction %d differs:%n  %s: %s%n  %s: %s", i,
                    a.backend(), x, b.backend(), y), -1));
            }
        }
        if (!endKind(a.end()).equals(endKind(b.end()))) {
            return Optional.of(new Divergence(String.format("runs ended differently:%n  %s: %s%n  %s: %s", a.backend(), a.end(),
                b.backend(), b.end()), -1));
        }
        List<String> registers = new ArrayList<>();
        for (Map.Entry<String, String> e : a.registers().entrySet()) {
            String other = b.registers().get(e.getKey());
            if (!e.getValue().equals(other)) {
                registers.add(String.format("  %s: %s=%s, %s=%s", e.getKey(), a.backend(), e.getValue(), b.backend(), other));
            }
        }
        if (!registers.isEmpty()) {
            return Optional.of(new Divergence("final registers differ:\n" + String.join("\n", registers), -1));
        }
        for (int i = 0; i < a.memory().length; i++) {
            if (a.memory()[i] != b.memory()[i]) {
                return Optional.of(new Divergence(String.format("final memory differs first at guest-physical 0x%x: %s=%02x %s=%02x",
                    i, a.backend(), a.memory()[i], b.backend(), b.memory()[i]), -1));
            }
        }
        return Optional.empty();
    }

    /** An entry failure's prose is the vendor's own; only the kind of ending must agree. */
    private static String endKind(String end) {
        int paren = end.indexOf(" (");
        return paren < 0 ? end : end.substring(0, paren);
    }
}
