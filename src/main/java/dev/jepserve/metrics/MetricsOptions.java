package dev.jepserve.metrics;

import java.util.List;
import java.util.Locale;

/**
 * Metrics settings from the command line: {@code --allow-metrics}, {@code --metrics-interval-ms} and the
 * {@code --metrics-config key=value} entries Triton accepts.
 *
 * @param enabled whether the server serves /metrics and polls CPU metrics (the registry records regardless)
 * @param intervalMs polling period of the per-interval metrics (CPU), in milliseconds
 * @param histogramLatencies {@code histogram_latencies}: expose nv_inference_first_response_histogram_ms
 * @param counterLatencies {@code counter_latencies}: expose the five per-model *_duration_us counters
 */
public record MetricsOptions(boolean enabled, double intervalMs, boolean histogramLatencies,
        boolean counterLatencies) {

    public static final double DEFAULT_INTERVAL_MS = 2000;

    public MetricsOptions {
        if (!(intervalMs > 0) || Double.isInfinite(intervalMs)) {
            throw new IllegalArgumentException("metrics interval must be a positive number of milliseconds, got "
                    + intervalMs);
        }
    }

    public static MetricsOptions defaults() {
        return new MetricsOptions(true, DEFAULT_INTERVAL_MS, false, true);
    }

    public MetricsOptions withEnabled(boolean value) {
        return new MetricsOptions(value, intervalMs, histogramLatencies, counterLatencies);
    }

    public MetricsOptions withIntervalMs(double value) {
        return new MetricsOptions(enabled, value, histogramLatencies, counterLatencies);
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
     * Applies one {@code --metrics-config} entry such as {@code histogram_latencies=true}. Summaries are not
     * implemented: {@code summary_latencies} and {@code summary_quantiles} are accepted and change nothing
     * (the command line warns about them).
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
                    counterLatencies);
            case "counter_latencies" -> new MetricsOptions(enabled, intervalMs, histogramLatencies,
                    parseBool(key, value));
            case "summary_latencies" -> {
                parseBool(key, value);
                yield this;
            }
            case "summary_quantiles" -> this;
            default -> throw new IllegalArgumentException("unknown --metrics-config setting '" + key
                    + "' (known: histogram_latencies, counter_latencies, summary_latencies, summary_quantiles)");
        };
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
