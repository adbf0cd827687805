package dev.jepserve.metrics;

import io.prometheus.client.Collector.MetricFamilySamples.Sample;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** A series that can go up, down or be set; the double lives in an AtomicLong so that set and add never race. */
final class GaugeSeries extends Series {
    private final AtomicLong bits = new AtomicLong(Double.doubleToRawLongBits(0.0));

    GaugeSeries(LabelSet labels) {
        super(labels);
    }

    @Override
    MetricKind kind() {
        return MetricKind.GAUGE;
    }

    @Override
    void increment(double amount) {
        long current;
        long next;
        do {
            current = bits.get();
            next = Double.doubleToRawLongBits(Double.longBitsToDouble(current) + amount);
        } while (!bits.compareAndSet(current, next));
    }

    @Override
    void set(double value) {
        bits.set(Double.doubleToRawLongBits(value));
    }

    @Override
    double value() {
        return Double.longBitsToDouble(bits.get());
    }

    @Override
    void collect(String familyName, List<Sample> out) {
        out.add(new Sample(familyName, labels().names(), labels().values(), value()));
    }
}
