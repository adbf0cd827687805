package dev.jepserve.metrics;

import dev.jepserve.inference.FailureReason;
import dev.jepserve.inference.VersionMetrics;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The built-in per-model series of one model version ({@code model="<name>",version="<n>"}), created at 0 when
 * the model loads and removed by {@link #close()} when it unloads. Series are reference-counted, so a reload that
 * registers the same model version before closing the old one keeps the counters running. Updates are lock-free.
 */
public final class ModelMetrics implements VersionMetrics, AutoCloseable {
    private static final long NANOS_PER_MICRO = 1_000;
    private static final double NANOS_PER_MILLI = 1_000_000.0;

    private final List<Acquired> acquired = new ArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Series success;
    private final Map<FailureReason, Series> failures = new EnumMap<>(FailureReason.class);
    private final Series inferences;
    private final Series executions;
    private final Series requestDuration;
    private final Series queueDuration;
    private final Series computeInputDuration;
    private final Series computeInferDuration;
    private final Series computeOutputDuration;
    private final Series pending;
    private final Series loadDuration;
    private final Series firstResponse;
    /** Null unless summary_latencies=true. */
    private final LatencySummaries.Handle summaries;

    ModelMetrics(BuiltinFamilies families, String model, String version) {
        LabelSet labels = LabelSet.of("model", model, "version", version);
        success = acquire(families.requestSuccess, labels);
        for (FailureReason reason : FailureReason.values()) {
            failures.put(reason, acquire(families.requestFailure,
                    LabelSet.of("model", model, "reason", reason.name(), "version", version)));
        }
        inferences = acquire(families.inferenceCount, labels);
        executions = acquire(families.execCount, labels);
        requestDuration = acquire(families.requestDuration, labels);
        queueDuration = acquire(families.queueDuration, labels);
        computeInputDuration = acquire(families.computeInputDuration, labels);
        computeInferDuration = acquire(families.computeInferDuration, labels);
        computeOutputDuration = acquire(families.computeOutputDuration, labels);
        pending = acquire(families.pendingRequests, labels);
        loadDuration = acquire(families.loadDuration, labels);
        firstResponse = families.firstResponse == null ? null : acquireHistogram(families.firstResponse, labels);
        summaries = families.summaries == null ? null : families.summaries.open(model, version);
    }

    /**
     * One successful request: +1 nv_inference_request_success, +batchSize nv_inference_count, and each duration
     * (nanoseconds) added to its *_duration_us counter as whole microseconds.
     */
    public void requestSucceeded(int batchSize, long requestNanos, long queueNanos, long computeInputNanos,
            long computeInferNanos, long computeOutputNanos) {
        success.increment(1);
        inferences.increment(Math.max(0, batchSize));
        addMicros(requestDuration, requestNanos);
        addMicros(queueDuration, queueNanos);
        addMicros(computeInputDuration, computeInputNanos);
        addMicros(computeInferDuration, computeInferNanos);
        addMicros(computeOutputDuration, computeOutputNanos);
        if (summaries != null) {
            summaries.observe(requestNanos, queueNanos, computeInputNanos, computeInferNanos, computeOutputNanos);
        }
    }

    /** One failed request: +1 nv_inference_request_failure{reason}; its time goes to the request duration. */
    public void requestFailed(FailureReason reason, long requestNanos) {
        failures.get(reason).increment(1);
        addMicros(requestDuration, requestNanos);
    }

    /** One model execution (a whole batch counts once). */
    public void executed() {
        executions.increment(1);
    }

    /** +1 when a request is queued, -1 when an instance starts executing it. */
    public void pendingChanged(int delta) {
        pending.increment(delta);
    }

    public void loadDuration(double seconds) {
        loadDuration.set(seconds);
    }

    /** Time from request arrival to its first response; recorded only with histogram_latencies=true. */
    public void firstResponse(long nanos) {
        if (firstResponse != null) {
            firstResponse.observe(nanos / NANOS_PER_MILLI);
        }
    }

    // The scheduler's events (InferenceObserver), mapped onto the series above.

    @Override
    public void queued() {
        pendingChanged(1);
    }

    @Override
    public void dequeued() {
        pendingChanged(-1);
    }

    @Override
    public void executed(int batchSize, long computeInputNanos, long computeInferNanos, long computeOutputNanos) {
        executed();
    }

    @Override
    public void succeeded(int batchSize, long requestNanos, long queueNanos, long computeInputNanos,
                          long computeInferNanos, long computeOutputNanos) {
        requestSucceeded(batchSize, requestNanos, queueNanos, computeInputNanos, computeInferNanos, computeOutputNanos);
    }

    @Override
    public void failed(FailureReason reason, long requestNanos) {
        requestFailed(reason, requestNanos);
    }

    /** Removes this model version's series (the last holder of each removes it from the exposition). */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            for (Acquired each : acquired) {
                each.family().release(each.series());
            }
            if (summaries != null) {
                summaries.close();
            }
        }
    }

    private static void addMicros(Series counter, long nanos) {
        if (counter != null && nanos > 0) {
            counter.increment(nanos / NANOS_PER_MICRO);
        }
    }

    private Series acquire(FamilyCollector family, LabelSet labels) {
        if (family == null) {
            return null;
        }
        Series series = family.acquire(labels, null);
        acquired.add(new Acquired(family, series));
        return series;
    }

    private Series acquireHistogram(FamilyCollector family, LabelSet labels) {
        Series series = family.acquire(labels, BuiltinFamilies.DEFAULT_FIRST_RESPONSE_BUCKETS_MS);
        acquired.add(new Acquired(family, series));
        return series;
    }

    private record Acquired(FamilyCollector family, Series series) {
    }
}
