package dev.hve.difftests.records;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Exit numbers read from the Linux UAPI headers on this machine ({@code asm/vmx.h},
 * {@code asm/svm.h}), so the record decoders below take their numbers from a public reference
 * rather than from the backends they check.
 */
public final class UapiHeaders {

    private static final Path VMX = Path.of("/usr/include/x86_64-linux-gnu/asm/vmx.h");
    private static final Path SVM = Path.of("/usr/include/x86_64-linux-gnu/asm/svm.h");
    private static final Pattern DEFINE = Pattern.compile("^#define\\s+(\\w+)\\s+(-?(?:0x)?[0-9a-fA-F]+)\\s*$");
    private static Map<String, Long> cache;

    private UapiHeaders() {
    }

    public static synchronized long value(String name) {
        if (cache == null) {
            cache = new HashMap<>();
            read(VMX);
            read(SVM);
        }
        Long v = cache.get(name);
        if (v == null) {
            throw new IllegalStateException(name + " not defined in " + VMX + " or " + SVM + " (linux-libc-dev missing?)");
        }
        return v;
    }

    private static void read(Path header) {
        try {
            for (String line : Files.readAllLines(header)) {
                Matcher m = DEFINE.matcher(line.trim());
                if (m.matches()) {
                    String text = m.group(2);
                    boolean negative = text.startsWith("-");
                    String digits = negative ? text.substring(1) : text;
                    long v = digits.startsWith("0x") ? Long.parseLong(digits.substring(2), 16) : Long.parseLong(digits);
                    cache.put(m.group(1), negative ? -v : v);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + header + " (apt-get install linux-libc-dev)", e);
        }
    }
}
