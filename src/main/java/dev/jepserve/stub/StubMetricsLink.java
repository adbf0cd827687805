package dev.jepserve.stub;

import dev.jepserve.metrics.MetricsLink;
import dev.jepserve.stub.proto.FromStub;
import dev.jepserve.stub.proto.MetricCall;
import dev.jepserve.stub.proto.MetricReply;
import dev.jepserve.stub.proto.MetricUpdates;
import dev.jepserve.stub.proto.NewMetricFamily;
import dev.jepserve.stub.proto.NewMetricSeries;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The stub's end of custom metrics: calls to the server for families, series and values; updates queued
 * and sent in one message ahead of the stub's next message (or by the periodic flush), never one by one.
 */
final class StubMetricsLink implements MetricsLink {
    private static final long CALL_TIMEOUT_SECONDS = 30;

    private final StubForwarder forwarder;
    private final AtomicLong nextCall = new AtomicLong();
    private final Map<Long, CompletableFuture<MetricReply>> calls = new ConcurrentHashMap<>();
    private final Object pendingLock = new Object();
    private final MetricUpdateQueue pending = new MetricUpdateQueue();

    StubMetricsLink(StubForwarder forwarder) {
        this.forwarder = forwarder;
    }

    @Override
    public long newFamily(String name, String description, int kind) {
        return call(MetricCall.newBuilder().setNewFamily(NewMetricFamily.newBuilder().setName(name)
                .setDescription(description).setKind(kind))).getId();
    }

    @Override
    public NewSeries newSeries(long family, String[] labelNames, String[] labelValues, double[] buckets, String owner) {
        NewMetricSeries.Builder series = NewMetricSeries.newBuilder().setFamily(family).setOwner(owner)
                .addAllLabelNames(List.of(labelNames)).addAllLabelValues(List.of(labelValues));
        if (buckets != null) {
            series.setHasBuckets(true);
            for (double bound : buckets) {
                series.addBuckets(bound);
            }
        }
        MetricReply reply = call(MetricCall.newBuilder().setNewSeries(series));
        return new NewSeries(reply.getId(), reply.getHasCell() ? reply.getCell() : -1);
    }

    @Override
    public void update(long series, UpdateKind kind, double value) {
        // No message object per update: the queue keeps primitives and folds repeated increments/sets.
        synchronized (pendingLock) {
            pending.add(series, kind, value);
        }
    }

    @Override
    public double value(long series) {
        return call(MetricCall.newBuilder().setReadValue(series)).getValue();
    }

    /** The queued updates as one message, or null when there are none; the queue is emptied. */
    FromStub drainUpdates() {
        MetricUpdates taken;
        synchronized (pendingLock) {
            if (pending.isEmpty()) {
                return null;
            }
            taken = pending.drain();
        }
        return FromStub.newBuilder().setMetricUpdates(taken).build();
    }

    /** A reply from the server to one of our calls. */
    void onReply(MetricReply reply) {
        CompletableFuture<MetricReply> call = calls.remove(reply.getCallId());
        if (call != null) {
            call.complete(reply);
        }
    }

    private MetricReply call(MetricCall.Builder call) {
        long id = nextCall.incrementAndGet();
        CompletableFuture<MetricReply> reply = new CompletableFuture<>();
        calls.put(id, reply);
        // Updates queued before this call apply before it (a value read sees them).
        forwarder.write(FromStub.newBuilder().setMetricCall(call.setCallId(id)).build());
        MetricReply answer;
        try {
            answer = reply.get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the server");
        } catch (ExecutionException | TimeoutException e) {
            calls.remove(id);
            throw new IllegalStateException("the server did not answer a metrics call");
        }
        if (!answer.getError().isEmpty()) {
            throw new IllegalArgumentException(answer.getError());
        }
        return answer;
    }
}
