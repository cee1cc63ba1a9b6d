package dev.hve.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/** Parses one flat JSON object of an exit trace line (numbers, strings, booleans), for tests. */
final class JsonLine {

    private JsonLine() {
    }

    static Map<String, String> parse(String line) {
        Map<String, String> fields = new LinkedHashMap<>();
        String body = line.trim();
        if (!body.startsWith("{") || !body.endsWith("}")) {
            throw new IllegalArgumentException("not a JSON object: " + line);
        }
        int i = 1;
        int end = body.length() - 1;
        while (i < end) {
            int keyStart = body.indexOf('"', i) + 1;
            int keyEnd = body.indexOf('"', keyStart);
            String key = body.substring(keyStart, keyEnd);
            int colon = body.indexOf(':', keyEnd);
            int valueStart = colon + 1;
            String value;
            int next;
            if (body.charAt(valueStart) == '"') {
                StringBuilder text = new StringBuilder();
                int j = valueStart + 1;
                while (body.charAt(j) != '"') {
                    if (body.charAt(j) == '\\') {
                        j++;
                    }
                    text.append(body.charAt(j++));
                }
                value = text.toString();
                next = j + 1;
            } else {
                int comma = body.indexOf(',', valueStart);
                next = comma < 0 ? end : comma;
                value = body.substring(valueStart, next).trim();
            }
            fields.put(key, value);
            i = next + 1;
        }
        return fields;
    }
}
