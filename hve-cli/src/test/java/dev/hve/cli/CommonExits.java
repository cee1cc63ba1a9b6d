package dev.hve.cli;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A {@code --trace-exits} file reduced to what monitor code can see: the common exits' kinds,
 * RIPs and payloads, without the vendor record and without the backend's internal exits. Two
 * backends must agree on it exactly.
 */
final class CommonExits {

    private static final List<String> KEYS = List.of("vcpu", "kind", "rip", "port", "size", "direction", "value",
        "string", "rep", "leaf", "subleaf", "gpa", "write", "msr", "vector", "error_code");

    private CommonExits() {
    }

    static List<String> of(List<String> traceLines) {
        return traceLines.stream().map(JsonLine::parse)
            .filter(e -> !"internal".equals(e.get("kind")))
            .map((Map<String, String> e) -> e.entrySet().stream()
                .filter(f -> KEYS.contains(f.getKey())).map(f -> f.getKey() + "=" + f.getValue())
                .collect(Collectors.joining(" ")))
            .collect(Collectors.toList());
    }
}
