package dev.jepserve.metrics;

import io.prometheus.client.Collector.MetricFamilySamples.Sample;
import java.util.List;
import java.util.concurrent.atomic.DoubleAdder;

/** A monotonically increasing series: on a lock-free adder, or in a shared {@link ValueCell}. */
final class CounterSeries extends Series {
    /** Null when the value lives in {@link #cell}. */
    private final DoubleAdder total;
    private final ValueCell cell;

    CounterSeries(LabelSet labels) {
        this(labels, null);
    }

    /** @param cell where the value lives, or null for an adder of its own */
    CounterSeries(LabelSet labels, ValueCell cell) {
        super(labels);
        this.cell = cell;
        this.total = cell == null ? new DoubleAdder() : null;
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
        if (cell != null) {
            cell.add(amount);
        } else {
            total.add(amount);
        }
    }

    @Override
    double value() {
        return cell != null ? cell.get() : total.sum();
    }

    @Override
    ValueCell cell() {
        return cell;
    }

    @Override
    void collect(String familyName, List<Sample> out) {
        out.add(new Sample(familyName, labels().names(), labels().values(), value()));
    }
}
