package dev.jepserve.metrics;

import io.prometheus.client.Collector;

/** The three kinds of metric family Triton supports; the codes are the ones pb_utils.MetricKind carries. */
public enum MetricKind {
    COUNTER(0, Collector.Type.COUNTER),
    GAUGE(1, Collector.Type.GAUGE),
    HISTOGRAM(2, Collector.Type.HISTOGRAM);

    private final int code;
    private final Collector.Type type;

    MetricKind(int code, Collector.Type type) {
        this.code = code;
        this.type = type;
    }

    public int code() {
        return code;
    }

    Collector.Type collectorType() {
        return type;
    }

    /** The name Triton's core uses in its error texts, e.g. TRITONSERVER_METRIC_KIND_COUNTER. */
    String tritonName() {
        return "TRITONSERVER_METRIC_KIND_" + name();
    }

    public static MetricKind fromCode(int code) {
        for (MetricKind kind : values()) {
            if (kind.code == code) {
                return kind;
            }
        }
        throw new IllegalArgumentException("Unsupported kind passed to MetricFamily constructor.");
    }
}
