package dev.jepserve.logging;

import java.util.Locale;

/** {@code --log-format}: where the timestamp goes and how it is written, as in tritonserver. */
public enum LogFormat {
    /** {@code I1130 07:15:43.123 pid source] message}. */
    DEFAULT,
    /** {@code 2026-11-30T07:15:43Z I pid source] message}, UTC. */
    ISO8601;

    /** Parses tritonserver's spellings, {@code default} and {@code ISO8601}. */
    public static LogFormat parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "default" -> DEFAULT;
            case "iso8601" -> ISO8601;
            default -> throw new IllegalArgumentException("expected default or ISO8601, got '" + text + "'");
        };
    }
}
