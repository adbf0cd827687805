package dev.jepserve.stub;

import dev.jepserve.metrics.CustomFamily;
import dev.jepserve.metrics.CustomMetrics;
import dev.jepserve.metrics.CustomSeries;
import dev.jepserve.stub.proto.FlushMetrics;
import dev.jepserve.stub.proto.FromStub;
import dev.jepserve.stub.proto.MetricCall;
import dev.jepserve.stub.proto.MetricReply;
import dev.jepserve.stub.proto.MetricUpdate;
import dev.jepserve.stub.proto.NewMetricSeries;
import dev.jepserve.stub.proto.ToStub;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The server's end of one stub process's custom metrics: its families and series live in the server's
 * registry (shared with every other stub and in-process model), named to the stub by ids. Wraps the stub's
 * listener: metric messages are handled here, everything else passes through. When the stub dies, the
 * series it still held are released.
 */
final class StubMetricsHandler implements StubProcess.Listener {
    private final CustomMetrics registry;
    private final StubProcess stub;
    private final StubProcess.Listener next;
    private final AtomicLong nextId = new AtomicLong();
    private final Map<Long, CustomFamily> families = new ConcurrentHashMap<>();
    private final Map<Long, CustomSeries> series = new ConcurrentHashMap<>();
    private final Map<Long, CompletableFuture<Void>> flushes = new ConcurrentHashMap<>();
    private final Consumer<StubMetricsHandler> onGone;

    /** @param onGone runs when the stub died (the hub forgets this handler) */
    StubMetricsHandler(CustomMetrics registry, StubProcess stub, StubProcess.Listener next,
                       Consumer<StubMetricsHandler> onGone) {
        this.registry = registry;
        this.stub = stub;
        this.next = next;
        this.onGone = onGone;
    }

    /** Asks the stub to send its queued updates; completes when they have been applied. */
    CompletableFuture<Void> flush() {
        long sequence = nextId.incrementAndGet();
        CompletableFuture<Void> flushed = new CompletableFuture<>();
        flushes.put(sequence, flushed);
        if (!stub.send(ToStub.newBuilder().setFlushMetrics(FlushMetrics.newBuilder().setSequence(sequence)).build())) {
            flushes.remove(sequence);
            flushed.complete(null);
        }
        return flushed;
    }

    @Override
    public void onMessage(FromStub message) {
        switch (message.getKindCase()) {
            case METRIC_CALL -> stub.send(ToStub.newBuilder().setMetricReply(answer(message.getMetricCall())).build());
            case METRIC_UPDATES -> apply(message.getMetricUpdates().getUpdatesList());
            case METRICS_FLUSHED -> {
                CompletableFuture<Void> flushed = flushes.remove(message.getMetricsFlushed().getSequence());
                if (flushed != null) {
                    flushed.complete(null);
                }
            }
            default -> next.onMessage(message);
        }
    }

    @Override
    public void onDeath(StubProcess dead, String why) {
        series.values().forEach(CustomSeries::release);
        series.clear();
        flushes.values().forEach(flushed -> flushed.complete(null));
        flushes.clear();
        onGone.accept(this);
        next.onDeath(dead, why);
    }

    private MetricReply answer(MetricCall call) {
        MetricReply.Builder reply = MetricReply.newBuilder().setCallId(call.getCallId());
        try {
            switch (call.getKindCase()) {
                case NEW_FAMILY -> {
                    CustomFamily family = registry.family(call.getNewFamily().getName(),
                            call.getNewFamily().getDescription(), call.getNewFamily().getKind());
                    long id = nextId.incrementAndGet();
                    families.put(id, family);
                    reply.setId(id);
                }
                case NEW_SERIES -> newSeries(call.getNewSeries(), reply);
                case READ_VALUE -> reply.setValue(live(call.getReadValue()).value());
                default -> reply.setError("unknown metrics call");
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            reply.setError(String.valueOf(e.getMessage()));
        }
        return reply.build();
    }

    /** Takes the series reference; the reply names it, and its shared-memory cell when it has one. */
    private void newSeries(NewMetricSeries request, MetricReply.Builder reply) {
        CustomFamily family = families.get(request.getFamily());
        if (family == null) {
            throw new IllegalStateException("unknown metric family");
        }
        double[] buckets = null;
        if (request.getHasBuckets()) {
            buckets = request.getBucketsList().stream().mapToDouble(Double::doubleValue).toArray();
        }
        CustomSeries handle = family.series(request.getLabelNamesList().toArray(String[]::new),
                request.getLabelValuesList().toArray(String[]::new), buckets, request.getOwner());
        long id = nextId.incrementAndGet();
        series.put(id, handle);
        reply.setId(id);
        int cell = handle.sharedCell();
        if (cell >= 0) {
            reply.setHasCell(true).setCell(cell);
        }
    }

    /** Updates were checked in the stub; one that fails here (a race with an unload) is dropped. */
    private void apply(List<MetricUpdate> updates) {
        for (MetricUpdate update : updates) {
            try {
                switch (update.getOperation()) {
                    case INCREMENT -> live(update.getSeries()).increment(update.getValue());
                    case SET -> live(update.getSeries()).set(update.getValue());
                    case OBSERVE -> live(update.getSeries()).observe(update.getValue());
                    case RELEASE -> {
                        CustomSeries released = series.remove(update.getSeries());
                        if (released != null) {
                            released.release();
                        }
                    }
                    default -> {
                    }
                }
            } catch (IllegalArgumentException | IllegalStateException ignored) {
                // nothing to tell: the model already returned from this update
            }
        }
    }

    private CustomSeries live(long id) {
        CustomSeries handle = series.get(id);
        if (handle == null) {
            throw new IllegalStateException("unknown metric series");
        }
        return handle;
    }
}
