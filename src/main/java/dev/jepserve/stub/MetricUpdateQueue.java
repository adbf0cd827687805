package dev.jepserve.stub;

import dev.jepserve.metrics.MetricsLink.UpdateKind;
import dev.jepserve.stub.proto.MetricUpdate;
import dev.jepserve.stub.proto.MetricUpdates;

import java.util.Arrays;

/**
 * A stub's custom-metric updates waiting for its next message, kept in primitive arrays (no object per
 * update) and folded where the result is the same: an increment of the series the previous update
 * incremented adds to it, a set of the series the previous update set replaces it. A loop of increments
 * therefore queues one entry, not one per call. Not thread-safe: the caller holds a lock.
 */
final class MetricUpdateQueue {
    private static final int INITIAL_CAPACITY = 16;
    private static final UpdateKind[] KINDS = UpdateKind.values();

    private long[] series = new long[INITIAL_CAPACITY];
    private byte[] kinds = new byte[INITIAL_CAPACITY];
    private double[] values = new double[INITIAL_CAPACITY];
    private int size;

    void add(long seriesId, UpdateKind kind, double value) {
        int last = size - 1;
        if (last >= 0 && series[last] == seriesId && kinds[last] == kind.ordinal()) {
            if (kind == UpdateKind.INCREMENT) {
                values[last] += value;
                return;
            }
            if (kind == UpdateKind.SET) {
                values[last] = value;
                return;
            }
        }
        if (size == series.length) {
            int capacity = size * 2;
            series = Arrays.copyOf(series, capacity);
            kinds = Arrays.copyOf(kinds, capacity);
            values = Arrays.copyOf(values, capacity);
        }
        series[size] = seriesId;
        kinds[size] = (byte) kind.ordinal();
        values[size] = value;
        size++;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** The queued updates in order as one message; the queue is emptied. */
    MetricUpdates drain() {
        MetricUpdates.Builder message = MetricUpdates.newBuilder();
        for (int i = 0; i < size; i++) {
            message.addUpdates(MetricUpdate.newBuilder().setSeries(series[i])
                    .setOperation(MetricUpdate.Operation.forNumber(KINDS[kinds[i]].ordinal())).setValue(values[i]));
        }
        size = 0;
        if (series.length > 1024) { // a burst of distinct updates does not keep its arrays forever
            series = new long[INITIAL_CAPACITY];
            kinds = new byte[INITIAL_CAPACITY];
            values = new double[INITIAL_CAPACITY];
        }
        return message.build();
    }
}
