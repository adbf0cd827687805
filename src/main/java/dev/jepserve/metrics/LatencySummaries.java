package dev.jepserve.metrics;

import io.prometheus.client.Collector;
import io.prometheus.client.Collector.MetricFamilySamples.Sample;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Triton's five latency summaries ({@code --metrics-config summary_latencies=true}): request, queue and the three
 * compute phases of each successful request, in microseconds, per model version, with the configured quantiles
 * over a sliding window of 60 s in 5 buckets (prometheus-cpp's defaults, which Triton uses). The families print
 * as Triton's: _count, _sum, then the quantile lines.
 */
final class LatencySummaries extends Collector {
    /** Triton's names and HELP texts (the compute ones reuse the counters' texts, as Triton does). */
    private static final String[][] FAMILIES = {
            {"nv_inference_request_summary_us",
                    "Summary of inference request duration in microseconds (includes cached requests)"},
            {"nv_inference_queue_summary_us",
                    "Summary of inference queuing duration in microseconds (includes cached requests)"},
            {"nv_inference_compute_input_summary_us",
                    "Cumulative compute input duration in microseconds (does not include cached requests)"},
            {"nv_inference_compute_infer_summary_us",
                    "Cumulative compute inference duration in microseconds (does not include cached requests)"},
            {"nv_inference_compute_output_summary_us",
                    "Cumulative inference compute output duration in microseconds (does not include cached requests)"},
    };
    private static final long MAX_AGE_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final int AGE_BUCKETS = 5;
    private static final List<String> LABELS = List.of("model", "version");
    private static final List<String> QUANTILE_LABELS = List.of("model", "version", "quantile");

    private final double[] quantiles;
    private final String[] quantileTexts;
    /** Per model version (model, version): its holders and its five series. Guarded by itself. */
    private final Map<List<String>, Entry> entries = new LinkedHashMap<>();

    private static final class Entry {
        final WindowQuantiles[] series = new WindowQuantiles[FAMILIES.length];
        int holders;

        Entry() {
            for (int i = 0; i < series.length; i++) {
                series[i] = new WindowQuantiles(MAX_AGE_NANOS, AGE_BUCKETS);
            }
        }
    }

    /** @param quantiles summary_quantiles; the allowed errors are met exactly (quantiles of the window's samples) */
    LatencySummaries(List<MetricsOptions.Quantile> quantiles) {
        this.quantiles = quantiles.stream().mapToDouble(MetricsOptions.Quantile::quantile).toArray();
        this.quantileTexts = new String[this.quantiles.length];
        for (int i = 0; i < this.quantiles.length; i++) {
            quantileTexts[i] = PromNumberFormat.format(this.quantiles[i]);
        }
    }

    /** The five series of one model version; observe with {@link Handle#observe}, close at unload. */
    Handle open(String model, String version) {
        List<String> key = List.of(model, version);
        synchronized (entries) {
            Entry entry = entries.computeIfAbsent(key, k -> new Entry());
            entry.holders++;
            return new Handle(key, entry.series);
        }
    }

    private void close(List<String> key) {
        synchronized (entries) {
            Entry entry = entries.get(key);
            if (entry != null && --entry.holders <= 0) {
                entries.remove(key);
            }
        }
    }

    @Override
    public List<MetricFamilySamples> collect() {
        Map<List<String>, Entry> snapshot;
        synchronized (entries) {
            snapshot = new LinkedHashMap<>(entries);
        }
        List<MetricFamilySamples> families = new ArrayList<>(FAMILIES.length);
        if (snapshot.isEmpty()) {
            return families;
        }
        for (int i = 0; i < FAMILIES.length; i++) {
            String name = FAMILIES[i][0];
            List<Sample> samples = new ArrayList<>();
            for (Map.Entry<List<String>, Entry> each : snapshot.entrySet()) {
                List<String> labels = each.getKey();
                WindowQuantiles series = each.getValue().series[i];
                samples.add(new Sample(name + "_count", LABELS, labels, series.count()));
                samples.add(new Sample(name + "_sum", LABELS, labels, series.sum()));
                double[] values = series.quantiles(quantiles);
                for (int q = 0; q < values.length; q++) {
                    samples.add(new Sample(name, QUANTILE_LABELS,
                            List.of(labels.get(0), labels.get(1), quantileTexts[q]), values[q]));
                }
            }
            families.add(new TritonFamilySamples(name, Type.SUMMARY, FAMILIES[i][1], samples, i));
        }
        return families;
    }

    /** One model version's five summary series. */
    final class Handle implements AutoCloseable {
        private final List<String> key;
        private final WindowQuantiles[] series;
        private boolean closed;

        private Handle(List<String> key, WindowQuantiles[] series) {
            this.key = key;
            this.series = series;
        }

        /** One successful request's durations, in nanoseconds (observed as whole microseconds). */
        void observe(long requestNanos, long queueNanos, long inputNanos, long inferNanos, long outputNanos) {
            series[0].observe(requestNanos / 1000);
            series[1].observe(queueNanos / 1000);
            series[2].observe(inputNanos / 1000);
            series[3].observe(inferNanos / 1000);
            series[4].observe(outputNanos / 1000);
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                LatencySummaries.this.close(key);
            }
        }
    }
}
