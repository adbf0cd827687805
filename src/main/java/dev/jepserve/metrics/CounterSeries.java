package dev.jepserve.metrics;

import io.prometheus.client.Collector.MetricFamilySamples.Sample;
import java.util.List;
import java.util.concurrent.atomic.DoubleAdder;

/** A monotonically increasing series. */
final class CounterSeries extends Series {
    private final DoubleAdder total = new DoubleAdder();

    CounterSeries(LabelSet labels) {
        super(labels);
    }

    @Override
    MetricKind kind() {
        return MetricKind.COUNTER;
    }

    @Override
    void increment(double amount) {
        if (amount < 0.0) {
            throw new IllegalArgumentException(kind().tritonName()
                    + " can only be incremented monotonically by non-negative values.");
        }
        total.add(amount);
    }

    @Override
    double value() {
        return total.sum();
    }

    @Override
    void collect(String familyName, List<Sample> out) {
        out.add(new Sample(familyName, labels().names(), labels().values(), total.sum()));
    }
}
