package dev.jepserve.metrics;

/**
 * One reference to a shared series, held by one Python Metric object. Updates go straight to lock-free adders.
 * After {@link #release()} (by Python, or by {@link CustomMetrics#releaseOwner}) every operation fails.
 */
public final class CustomSeries {
    static final String RELEASED_MESSAGE = "Invalid metric operation as the corresponding 'MetricFamily' has been "
            + "deleted. The 'MetricFamily' object should be deleted AFTER its corresponding 'Metric' objects have "
            + "been deleted.";

    private final FamilyCollector family;
    private final String owner;
    private final CustomMetrics owners;
    private volatile Series series;

    CustomSeries(FamilyCollector family, Series series, String owner, CustomMetrics owners) {
        this.family = family;
        this.series = series;
        this.owner = owner;
        this.owners = owners;
    }

    String owner() {
        return owner;
    }

    /** Adds to a counter (non-negative amounts only) or a gauge (any amount). */
    public void increment(double amount) {
        live().increment(amount);
    }

    /** Sets a gauge. */
    public void set(double value) {
        live().set(value);
    }

    /** Records one histogram observation. */
    public void observe(double value) {
        live().observe(value);
    }

    /** The shared series' current value (counters and gauges). */
    public double value() {
        return live().value();
    }

    /** The index of the shared-memory cell holding the value, or -1 when the value is not in one. */
    public int sharedCell() {
        return live().cell() instanceof MetricCells.Cell cell ? cell.index() : -1;
    }

    /** Drops this handle's reference; idempotent. */
    public void release() {
        Series released;
        synchronized (this) {
            released = series;
            series = null;
        }
        if (released != null) {
            family.release(released);
            owners.untrack(this);
        }
    }

    public boolean isReleased() {
        return series == null;
    }

    private Series live() {
        Series current = series;
        if (current == null) {
            throw new IllegalStateException(RELEASED_MESSAGE);
        }
        return current;
    }
}
