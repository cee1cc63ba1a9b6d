package dev.hve.cli.config;

import dev.hve.api.SensitiveInstruction;
import dev.hve.platform.dispatch.ExceptionReflection;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code --intercept}: the exits a user asks for beyond what the monitor needs, so that
 * {@code --trace-exits} shows them. Items: {@code rdtsc}, {@code invlpg}, the
 * {@link SensitiveInstruction}s in lower case with dashes ({@code mov-cr}, {@code mov-dr},
 * {@code descriptor-table}, {@code pause}, ...), {@code exception=N} for vector N (decimal or 0x
 * hex), and {@code all} for every instruction item.
 *
 * @param exceptionVectors bit n: vector n
 */
public record InterceptSpec(boolean rdtsc, boolean invlpg, int exceptionVectors, Set<SensitiveInstruction> instructions) {

    public static final InterceptSpec NONE = new InterceptSpec(false, false, 0, Set.of());

    public InterceptSpec {
        instructions = Set.copyOf(instructions);
    }

    public boolean isEmpty() {
        return !rdtsc && !invlpg && exceptionVectors == 0 && instructions.isEmpty();
    }

    public static InterceptSpec parse(List<String> items) {
        boolean rdtsc = false;
        boolean invlpg = false;
        int vectors = 0;
        EnumSet<SensitiveInstruction> instructions = EnumSet.noneOf(SensitiveInstruction.class);
        for (String raw : items) {
            String item = raw.trim().toLowerCase(Locale.ROOT);
            if (item.equals("rdtsc")) {
                rdtsc = true;
            } else if (item.equals("invlpg")) {
                invlpg = true;
            } else if (item.equals("all")) {
                rdtsc = true;
                invlpg = true;
                instructions.addAll(EnumSet.allOf(SensitiveInstruction.class));
            } else if (item.startsWith("exception=")) {
                vectors |= 1 << vector(item.substring("exception=".length()), raw);
            } else {
                instructions.add(instruction(item, raw));
            }
        }
        return new InterceptSpec(rdtsc, invlpg, vectors, instructions);
    }

    private static int vector(String text, String item) {
        int vector;
        try {
            vector = text.startsWith("0x") ? Integer.parseInt(text.substring(2), 16) : Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new UsageException("--intercept " + item + ": the vector must be a number");
        }
        if (vector < 0 || vector > 31 || (ExceptionReflection.REFLECTABLE & (1 << vector)) == 0) {
            throw new UsageException("--intercept " + item + ": exception vectors 0 and 3-31 can be intercepted"
                + " (1, #DB, and 2, NMI, cannot)");
        }
        return vector;
    }

    private static SensitiveInstruction instruction(String item, String raw) {
        for (SensitiveInstruction candidate : SensitiveInstruction.values()) {
            if (candidate.name().toLowerCase(Locale.ROOT).replace('_', '-').equals(item)) {
                return candidate;
            }
        }
        StringBuilder known = new StringBuilder("rdtsc, invlpg");
        for (SensitiveInstruction candidate : SensitiveInstruction.values()) {
            known.append(", ").append(candidate.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        throw new UsageException("--intercept: unknown item '" + raw + "'; known: " + known
            + ", exception=N, all");
    }
}
