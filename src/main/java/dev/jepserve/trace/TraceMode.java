package dev.jepserve.trace;

import java.util.Locale;

/** Where traces go: Triton's trace file, or OpenTelemetry spans over OTLP/HTTP. */
public enum TraceMode {
    TRITON("triton"),
    OPENTELEMETRY("opentelemetry");

    private final String tritonName;

    TraceMode(String tritonName) {
        this.tritonName = tritonName;
    }

    public String tritonName() {
        return tritonName;
    }

    static TraceMode parse(String text) {
        for (TraceMode mode : values()) {
            if (mode.tritonName.equals(text.toLowerCase(Locale.ROOT))) {
                return mode;
            }
        }
        throw new IllegalArgumentException("--trace-config mode expects triton or opentelemetry, got '" + text + "'");
    }
}
