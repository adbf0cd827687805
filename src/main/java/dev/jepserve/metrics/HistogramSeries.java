package dev.jepserve.metrics;

import io.prometheus.client.Collector.MetricFamilySamples.Sample;
import java.util.List;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/** A histogram series with fixed upper bounds plus the implicit +Inf bucket. */
final class HistogramSeries extends Series {
    private final double[] bounds;
    private final LongAdder[] counts;
    private final DoubleAdder sum = new DoubleAdder();

    HistogramSeries(LabelSet labels, double[] bounds) {
        super(labels);
        this.bounds = bounds.clone();
        this.counts = new LongAdder[bounds.length + 1];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    /** Bounds must be strictly increasing (this also rejects duplicates), as prometheus-cpp requires. */
    static void checkBounds(double[] bounds) {
        for (int i = 1; i < bounds.length; i++) {
            if (bounds[i - 1] >= bounds[i]) {
                throw new IllegalArgumentException("Bucket Boundaries must be strictly sorted");
            }
        }
    }

    @Override
    MetricKind kind() {
        return MetricKind.HISTOGRAM;
    }

    @Override
    void observe(double value) {
        counts[bucketIndex(value)].increment();
        sum.add(value);
    }

    /** The first bucket whose bound is >= value: C++ lower_bound, so a NaN lands in the first bucket as Triton's. */
    private int bucketIndex(double value) {
        int low = 0;
        int high = bounds.length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (bounds[mid] < value) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    @Override
    void collect(String familyName, List<Sample> out) {
        long[] cumulative = new long[counts.length];
        long running = 0;
        for (int i = 0; i < counts.length; i++) {
            running += counts[i].sum();
            cumulative[i] = running;
        }
        List<String> names = labels().names();
        List<String> values = labels().values();
        out.add(new Sample(familyName + "_count", names, values, running));
        out.add(new Sample(familyName + "_sum", names, values, sum.sum()));
        List<String> bucketNames = labels().namesWith("le");
        for (int i = 0; i < counts.length; i++) {
            String bound = i < bounds.length ? PromNumberFormat.format(bounds[i]) : "+Inf";
            out.add(new Sample(familyName + "_bucket", bucketNames, labels().valuesWith(bound), cumulative[i]));
        }
    }
}
