package dev.jepserve.metrics;

import io.prometheus.client.Collector;
import io.prometheus.client.Collector.MetricFamilySamples.Sample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One metric family (name, kind, HELP) and its series, reference-counted per label set across every model and
 * instance. Creating and releasing series take a short private lock; scraping reads an immutable snapshot and
 * never blocks. It is deliberately not {@link Collector.Describable}: names are reserved by {@link FamilyCatalog}
 * with Triton's rules, not by simpleclient's.
 */
final class FamilyCollector extends Collector {
    private static final Series[] NO_SERIES = new Series[0];

    private final String name;
    private final String help;
    private final MetricKind kind;
    private final long order;
    private final Object lock = new Object();
    private final Map<LabelSet, Series> byLabels = new HashMap<>();
    /** Series in creation order; replaced (never mutated) under the lock. */
    private volatile Series[] snapshot = NO_SERIES;

    FamilyCollector(String name, String help, MetricKind kind, long order) {
        this.name = name;
        this.help = help;
        this.kind = kind;
        this.order = order;
    }

    String name() {
        return name;
    }

    String help() {
        return help;
    }

    MetricKind kind() {
        return kind;
    }

    /**
     * Returns the series for these labels, creating it (at 0) if needed, and takes one reference. An existing
     * series is returned as is: a histogram keeps its original buckets. Buckets are required for histograms
     * (null otherwise); names and buckets are only checked when the series is created, as in prometheus-cpp.
     */
    Series acquire(LabelSet labels, double[] buckets) {
        return acquire(labels, buckets, null);
    }

    /**
     * As {@link #acquire(LabelSet, double[])}; a new counter or gauge keeps its value in a cell of {@code cells}
     * (when given and not full), where stub processes update and read it directly.
     */
    Series acquire(LabelSet labels, double[] buckets, MetricCells cells) {
        synchronized (lock) {
            Series series = byLabels.get(labels);
            if (series == null) {
                series = create(labels, buckets, cells);
                byLabels.put(labels, series);
                Series[] grown = Arrays.copyOf(snapshot, snapshot.length + 1);
                grown[grown.length - 1] = series;
                snapshot = grown;
            }
            series.references++;
            return series;
        }
    }

    /** Drops one reference; the series leaves the exposition when none is left. */
    void release(Series series) {
        synchronized (lock) {
            if (byLabels.get(series.labels()) != series || --series.references > 0) {
                return;
            }
            byLabels.remove(series.labels());
            ValueCell cell = series.cell();
            if (cell != null) {
                cell.free();
            }
            Series[] current = snapshot;
            Series[] shrunk = new Series[current.length - 1];
            int next = 0;
            for (Series each : current) {
                if (each != series) {
                    shrunk[next++] = each;
                }
            }
            snapshot = shrunk;
        }
    }

    int seriesCount() {
        return snapshot.length;
    }

    private Series create(LabelSet labels, double[] buckets, MetricCells cells) {
        for (String labelName : labels.names()) {
            MetricNames.checkLabelName(labelName);
        }
        ValueCell shared = cells == null || kind == MetricKind.HISTOGRAM ? null : cells.allocate();
        switch (kind) {
            case COUNTER:
                return new CounterSeries(labels, shared);
            case GAUGE:
                return shared == null ? new GaugeSeries(labels) : new GaugeSeries(labels, shared);
            default:
                if (buckets == null) {
                    throw new IllegalArgumentException("Failed to create metric. Missing required buckets.");
                }
                HistogramSeries.checkBounds(buckets);
                return new HistogramSeries(labels, buckets);
        }
    }

    @Override
    public List<MetricFamilySamples> collect() {
        Series[] current = snapshot;
        if (current.length == 0) {
            return List.of();
        }
        List<Sample> samples = new ArrayList<>(current.length * (kind == MetricKind.HISTOGRAM ? 8 : 1));
        for (Series series : current) {
            series.collect(name, samples);
        }
        return List.of(new TritonFamilySamples(name, kind, help, samples, order));
    }
}
