package dev.jepserve.metrics;

/** A custom metric family as Python sees it: hands out reference-counted series handles. */
public final class CustomFamily {
    private final FamilyCollector collector;
    private final CustomMetrics owners;

    CustomFamily(FamilyCollector collector, CustomMetrics owners) {
        this.collector = collector;
        this.owners = owners;
    }

    public String name() {
        return collector.name();
    }

    /** 0 COUNTER, 1 GAUGE, 2 HISTOGRAM. */
    public int kind() {
        return collector.kind().code();
    }

    /**
     * Takes one reference to the series with these labels (created at 0 if new) on behalf of {@code owner}.
     * Equal label sets share one series across all owners; a histogram keeps the buckets it was created with.
     *
     * @param buckets histogram upper bounds, or null when not given
     * @throws IllegalArgumentException "Invalid label name", "Failed to create metric. Missing required buckets.",
     *     "Failed to create metric. Unexpected buckets found.", "Bucket Boundaries must be strictly sorted"
     */
    public CustomSeries series(String[] labelNames, String[] labelValues, double[] buckets, String owner) {
        if (buckets != null && collector.kind() != MetricKind.HISTOGRAM) {
            throw new IllegalArgumentException("Failed to create metric. Unexpected buckets found.");
        }
        if (buckets == null && collector.kind() == MetricKind.HISTOGRAM) {
            throw new IllegalArgumentException("Failed to create metric. Missing required buckets.");
        }
        Series series = collector.acquire(LabelSet.of(labelNames, labelValues), buckets, owners.cells());
        CustomSeries handle = new CustomSeries(collector, series, owner == null ? "" : owner, owners);
        owners.track(handle);
        return handle;
    }
}
