package dev.jepserve.metrics;

import io.prometheus.client.Collector.MetricFamilySamples.Sample;
import java.util.List;

/** A series that can go up, down or be set; its value lives in a {@link ValueCell} (on the heap by default). */
final class GaugeSeries extends Series {
    private final ValueCell cell;

    GaugeSeries(LabelSet labels) {
        this(labels, new ValueCell.Heap());
    }

    GaugeSeries(LabelSet labels, ValueCell cell) {
        super(labels);
        this.cell = cell;
    }

    @Override
    MetricKind kind() {
        return MetricKind.GAUGE;
    }

    @Override
    void increment(double amount) {
        cell.add(amount);
    }

    @Override
    void set(double value) {
        cell.set(value);
    }

    @Override
    double value() {
        return cell.get();
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
