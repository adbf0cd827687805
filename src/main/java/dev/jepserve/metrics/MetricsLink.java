package dev.jepserve.metrics;

/**
 * How a remote metrics backend (in a stub process) reaches the server's registry: calls for what needs an
 * answer, one-way updates for the rest. Failures of calls throw {@link IllegalArgumentException} with Triton
 * core's message, as the in-process backend does.
 */
public interface MetricsLink {
    /** Creates or finds a family; returns its id. */
    long newFamily(String name, String description, int kind);

    /** Takes a reference to a series of the family. */
    NewSeries newSeries(long family, String[] labelNames, String[] labelValues, double[] buckets, String owner);

    /** Queues an update (already validated); sent before the stub's next message. */
    void update(long series, UpdateKind kind, double value);

    /** The series' value in the server, after every update queued before. */
    double value(long series);

    /**
     * A series reference: its id, and the index of the cell holding its value in the server's
     * {@link MetricCells} table (-1 when its updates and reads go through the link).
     */
    record NewSeries(long id, long cell) {
    }

    /** What a queued update does. */
    enum UpdateKind { INCREMENT, SET, OBSERVE, RELEASE }
}
