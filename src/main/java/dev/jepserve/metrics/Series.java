package dev.jepserve.metrics;

import io.prometheus.client.Collector.MetricFamilySamples.Sample;
import java.util.List;

/**
 * One labelled time series of a family. Updates are lock-free; the reference count is guarded by the owning
 * {@link FamilyCollector}'s lock. Operations a kind does not support fail with Triton core's message.
 */
abstract class Series {
    private final LabelSet labels;
    /** Live references across every model and instance; guarded by the family lock. */
    int references;

    Series(LabelSet labels) {
        this.labels = labels;
    }

    final LabelSet labels() {
        return labels;
    }

    abstract MetricKind kind();

    void increment(double amount) {
        throw unsupported("Increment");
    }

    void set(double value) {
        throw unsupported("Set");
    }

    void observe(double value) {
        throw unsupported("Observe");
    }

    double value() {
        throw unsupported("Value");
    }

    /** Where a counter's or gauge's value lives; null for a histogram. */
    ValueCell cell() {
        return null;
    }

    /** Appends this series' samples, named after the family. */
    abstract void collect(String familyName, List<Sample> out);

    private IllegalArgumentException unsupported(String operation) {
        return new IllegalArgumentException(kind().tritonName() + " does not support " + operation);
    }
}
