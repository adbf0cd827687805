package dev.jepserve.metrics;

import io.prometheus.client.Collector;
import io.prometheus.client.Collector.MetricFamilySamples.Sample;
import io.prometheus.client.Summary;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Triton's five latency summaries ({@code --metrics-config summary_latencies=true}): request, queue and the three
 * compute phases of each successful request, in microseconds, per model version, with the configured quantiles
 * over a sliding window of 60 s in 5 buckets (prometheus-cpp's defaults, which Triton uses). The quantiles are
 * simpleclient's CKMS estimates; the families print as Triton's: _count, _sum, then the quantile lines.
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
    private static final int MAX_AGE_SECONDS = 60;
    private static final int AGE_BUCKETS = 5;

    private final Summary[] summaries = new Summary[FAMILIES.length];
    /** Holders per model version, so a reload that opens before the old version closes keeps the series. */
    private final Map<List<String>, Integer> holders = new HashMap<>();

    LatencySummaries(List<MetricsOptions.Quantile> quantiles) {
        for (int i = 0; i < FAMILIES.length; i++) {
            Summary.Builder builder = Summary.build().name(FAMILIES[i][0]).help(FAMILIES[i][1])
                    .labelNames("model", "version").maxAgeSeconds(MAX_AGE_SECONDS).ageBuckets(AGE_BUCKETS);
            for (MetricsOptions.Quantile quantile : quantiles) {
                builder.quantile(quantile.quantile(), quantile.error());
            }
            summaries[i] = builder.create();
        }
    }

    /** The five series of one model version; observe with {@link Handle#observe}, close at unload. */
    Handle open(String model, String version) {
        Summary.Child[] children = new Summary.Child[summaries.length];
        synchronized (holders) {
            holders.merge(List.of(model, version), 1, Integer::sum);
            for (int i = 0; i < summaries.length; i++) {
                children[i] = summaries[i].labels(model, version);
            }
        }
        return new Handle(model, version, children);
    }

    private void close(String model, String version) {
        synchronized (holders) {
            List<String> key = List.of(model, version);
            Integer left = holders.merge(key, -1, Integer::sum);
            if (left != null && left <= 0) {
                holders.remove(key);
                for (Summary summary : summaries) {
                    summary.remove(model, version);
                }
            }
        }
    }

    @Override
    public List<MetricFamilySamples> collect() {
        List<MetricFamilySamples> families = new ArrayList<>(summaries.length);
        for (int i = 0; i < summaries.length; i++) {
            for (MetricFamilySamples collected : summaries[i].collect()) {
                List<Sample> samples = new ArrayList<>(collected.samples.size());
                for (Sample sample : collected.samples) {
                    if (!sample.name.endsWith("_created")) {
                        samples.add(sample);
                    }
                }
                if (!samples.isEmpty()) {
                    families.add(new TritonFamilySamples(FAMILIES[i][0], Type.SUMMARY, FAMILIES[i][1], samples, i));
                }
            }
        }
        return families;
    }

    /** One model version's five summary series. */
    final class Handle implements AutoCloseable {
        private final String model;
        private final String version;
        private final Summary.Child[] children;
        private boolean closed;

        private Handle(String model, String version, Summary.Child[] children) {
            this.model = model;
            this.version = version;
            this.children = children;
        }

        /** One successful request's durations, in nanoseconds (observed as whole microseconds). */
        void observe(long requestNanos, long queueNanos, long inputNanos, long inferNanos, long outputNanos) {
            children[0].observe(requestNanos / 1000);
            children[1].observe(queueNanos / 1000);
            children[2].observe(inputNanos / 1000);
            children[3].observe(inferNanos / 1000);
            children[4].observe(outputNanos / 1000);
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                LatencySummaries.this.close(model, version);
            }
        }
    }
}
