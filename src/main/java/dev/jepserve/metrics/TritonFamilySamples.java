package dev.jepserve.metrics;

import io.prometheus.client.Collector;
import java.util.List;

/**
 * Family samples that remember what simpleclient's constructor rewrites: it strips a counter's "_total" and
 * renames its samples, and Triton prints counter names exactly as given. Also carries the registration order.
 */
final class TritonFamilySamples extends Collector.MetricFamilySamples {
    final String exposedName;
    final MetricKind kind;
    final long order;

    TritonFamilySamples(String name, MetricKind kind, String help, List<Sample> samples, long order) {
        super(name, kind.collectorType(), help, samples);
        this.exposedName = name;
        this.kind = kind;
        this.order = order;
    }

    /** A family of a kind pb_utils has no code for (Triton's summaries), in this registration order. */
    TritonFamilySamples(String name, Collector.Type type, String help, List<Sample> samples, long order) {
        super(name, type, help, samples);
        this.exposedName = name;
        this.kind = null;
        this.order = order;
    }
}
