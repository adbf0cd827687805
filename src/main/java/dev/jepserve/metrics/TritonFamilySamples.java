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
}
