package dev.jepserve.logging;

import java.util.Locale;

/** {@code --log-format}: where the timestamp goes and how it is written, as in tritonserver (UTC in both). */
public enum LogFormat {
    /** {@code I1130 07:15:43.123456 pid file:line] message}. */
    DEFAULT("default"),
    /** {@code 2026-11-30T07:15:43Z I pid file:line] message}: whole seconds, as tritonserver writes it. */
    ISO8601("ISO8601");

    private final String tritonName;

    LogFormat(String tritonName) {
        this.tritonName = tritonName;
    }

    /** The spelling the logging extension reports and accepts. */
    public String tritonName() {
        return tritonName;
    }

    /** Parses the command line's spellings, {@code default} and {@code ISO8601}, in any case. */
    public static LogFormat parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "default" -> DEFAULT;
            case "iso8601" -> ISO8601;
            default -> throw new IllegalArgumentException("expected default or ISO8601, got '" + text + "'");
        };
    }

    /** The logging extension's exact spellings (case matters there); null for anything else. */
    public static LogFormat fromTritonName(String text) {
        for (LogFormat format : values()) {
            if (format.tritonName.equals(text)) {
                return format;
            }
        }
        return null;
    }
}
