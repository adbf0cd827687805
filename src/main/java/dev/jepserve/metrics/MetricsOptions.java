package dev.jepserve.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Metrics settings from the command line: {@code --allow-metrics}, {@code --metrics-interval-ms} and the
 * {@code --metrics-config key=value} entries Triton accepts, plus jepserve's {@code jvm_metrics}.
 *
 * @param enabled            whether the server serves /metrics and polls CPU metrics (the registry records regardless)
 * @param intervalMs         polling period of the per-interval metrics (CPU), in milliseconds
 * @param histogramLatencies {@code histogram_latencies}: expose nv_inference_first_response_histogram_ms
 * @param counterLatencies   {@code counter_latencies}: expose the five per-model *_duration_us counters
 * @param summaryLatencies   {@code summary_latencies}: expose the five per-model *_summary_us summaries
 * @param summaryQuantiles   {@code summary_quantiles}: the summaries' quantiles with their allowed errors
 * @param jvmMetrics         {@code jvm_metrics} (jepserve only): expose process_* and jvm_* families
 */
public record MetricsOptions(boolean enabled, double intervalMs, boolean histogramLatencies,
        boolean counterLatencies, boolean summaryLatencies, List<Quantile> summaryQuantiles, boolean jvmMetrics) {

    public static final double DEFAULT_INTERVAL_MS = 2000;
    /** Triton's default summary_quantiles. */
    public static final List<Quantile> DEFAULT_QUANTILES = parseQuantiles("0.5:0.05,0.9:0.01,0.95:0.001,0.99:0.001,"
            + "0.999:0.001");

    /** One summary quantile and the error allowed in its estimate. */
    public record Quantile(double quantile, double error) {
    }

    public MetricsOptions {
        if (!(intervalMs > 0) || Double.isInfinite(intervalMs)) {
            throw new IllegalArgumentException("metrics interval must be a positive number of milliseconds, got "
                    + intervalMs);
        }
        summaryQuantiles = List.copyOf(summaryQuantiles);
    }

    public static MetricsOptions defaults() {
        return new MetricsOptions(true, DEFAULT_INTERVAL_MS, false, true, false, DEFAULT_QUANTILES, false);
    }

    public MetricsOptions withEnabled(boolean value) {
        return new MetricsOptions(value, intervalMs, histogramLatencies, counterLatencies, summaryLatencies,
                summaryQuantiles, jvmMetrics);
    }

    public MetricsOptions withIntervalMs(double value) {
        return new MetricsOptions(enabled, value, histogramLatencies, counterLatencies, summaryLatencies,
                summaryQuantiles, jvmMetrics);
    }

    /** Applies {@code --metrics-config} entries in order. */
    public MetricsOptions withConfig(List<String> entries) {
        MetricsOptions options = this;
        for (String entry : entries) {
            options = options.withConfig(entry);
        }
        return options;
    }

    /**
     * Applies one {@code --metrics-config} entry such as {@code histogram_latencies=true}.
     *
     * @throws IllegalArgumentException for a malformed entry, an unknown key or a bad value
     */
    public MetricsOptions withConfig(String entry) {
        int equals = entry.indexOf('=');
        if (equals <= 0) {
            throw new IllegalArgumentException("--metrics-config expects <setting>=<value>, got '" + entry + "'");
        }
        String key = entry.substring(0, equals).trim();
        String value = entry.substring(equals + 1).trim();
        return switch (key) {
            case "histogram_latencies" -> new MetricsOptions(enabled, intervalMs, parseBool(key, value),
                    counterLatencies, summaryLatencies, summaryQuantiles, jvmMetrics);
            case "counter_latencies" -> new MetricsOptions(enabled, intervalMs, histogramLatencies,
                    parseBool(key, value), summaryLatencies, summaryQuantiles, jvmMetrics);
            case "summary_latencies" -> new MetricsOptions(enabled, intervalMs, histogramLatencies,
                    counterLatencies, parseBool(key, value), summaryQuantiles, jvmMetrics);
            case "summary_quantiles" -> new MetricsOptions(enabled, intervalMs, histogramLatencies,
                    counterLatencies, summaryLatencies, parseQuantiles(value), jvmMetrics);
            case "jvm_metrics" -> new MetricsOptions(enabled, intervalMs, histogramLatencies, counterLatencies,
                    summaryLatencies, summaryQuantiles, parseBool(key, value));
            default -> throw new IllegalArgumentException("unknown --metrics-config setting '" + key
                    + "' (known: histogram_latencies, counter_latencies, summary_latencies, summary_quantiles, "
                    + "jvm_metrics)");
        };
    }

    /** {@code <quantile>:<error>[,...]}, each quantile and error in [0, 1]. */
    static List<Quantile> parseQuantiles(String value) {
        List<Quantile> quantiles = new ArrayList<>();
        for (String pair : value.replace("\"", "").split(",")) {
            String[] parts = pair.trim().split(":");
            if (parts.length != 2) {
                throw new IllegalArgumentException("--metrics-config summary_quantiles expects "
                        + "<quantile>:<error>[,...], got '" + value + "'");
            }
            try {
                double quantile = Double.parseDouble(parts[0].trim());
                double error = Double.parseDouble(parts[1].trim());
                if (!(quantile >= 0 && quantile <= 1) || !(error >= 0 && error <= 1)) {
                    throw new IllegalArgumentException("--metrics-config summary_quantiles: quantiles and errors "
                            + "must be between 0 and 1, got '" + pair.trim() + "'");
                }
                quantiles.add(new Quantile(quantile, error));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--metrics-config summary_quantiles expects numbers, got '"
                        + pair.trim() + "'");
            }
        }
        return quantiles;
    }

    /** Triton's boolean spellings. */
    private static boolean parseBool(String key, String value) {
        switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "on", "1":
                return true;
            case "false", "off", "0":
                return false;
            default:
                throw new IllegalArgumentException("--metrics-config " + key + " expects true or false, got '"
                        + value + "'");
        }
    }
}
