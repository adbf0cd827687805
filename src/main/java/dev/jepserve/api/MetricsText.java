package dev.jepserve.api;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalDouble;

/** Looks one sample up in Prometheus exposition text (the format jepserve writes, one sample a line). */
final class MetricsText {
    private MetricsText() {
    }

    static OptionalDouble value(String text, String name, Map<String, String> labels) {
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || !line.startsWith(name)) {
                continue;
            }
            int end = name.length();
            if (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
                continue;
            }
            Map<String, String> found = new HashMap<>();
            int valueStart = end;
            if (end < line.length() && line.charAt(end) == '{') {
                valueStart = parseLabels(line, end + 1, found);
            }
            if (found.equals(labels)) {
                String[] rest = line.substring(valueStart).trim().split(" ");
                return OptionalDouble.of(parseValue(rest[0]));
            }
        }
        return OptionalDouble.empty();
    }

    /** Reads {@code k="v",...}} from {@code from}; returns the index after the closing brace. */
    private static int parseLabels(String line, int from, Map<String, String> into) {
        int i = from;
        while (i < line.length() && line.charAt(i) != '}') {
            int eq = line.indexOf('=', i);
            String key = line.substring(i, eq).trim();
            StringBuilder value = new StringBuilder();
            i = eq + 2; // past ="
            while (line.charAt(i) != '"') {
                char c = line.charAt(i);
                if (c == '\\') {
                    char next = line.charAt(++i);
                    value.append(next == 'n' ? '\n' : next);
                } else {
                    value.append(c);
                }
                i++;
            }
            into.put(key, value.toString());
            i++; // past the closing quote
            if (i < line.length() && line.charAt(i) == ',') {
                i++;
            }
        }
        return i + 1;
    }

    private static double parseValue(String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(text);
        };
    }
}
