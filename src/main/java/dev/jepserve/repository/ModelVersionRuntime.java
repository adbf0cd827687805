package dev.jepserve.repository;

import dev.jepserve.config.proto.ModelConfig;
import dev.jepserve.config.proto.ModelOutput;
import dev.jepserve.inference.ImmediateRun;
import dev.jepserve.inference.InferenceRequest;
import dev.jepserve.inference.ModelInstance;
import dev.jepserve.inference.ModelStatistics;
import dev.jepserve.inference.RequestHandle;
import dev.jepserve.inference.RequestTrace;
import dev.jepserve.inference.TraceActivity;
import dev.jepserve.inference.RequestValidator;
import dev.jepserve.inference.ResponseSink;
import dev.jepserve.inference.Scheduler;
import dev.jepserve.inference.ServedModel;
import dev.jepserve.inference.TritonException;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** A loaded, servable model version: its config, its instances and its scheduler. */
public final class ModelVersionRuntime implements ServedModel {
    private final String name;
    private final long version;
    private final ModelConfig config;
    private final List<String> allOutputNames;
    private final Scheduler scheduler;
    private final ModelStatistics statistics;
    private final java.util.function.BooleanSupplier healthy;
    private final Runnable onUnload;
    private final Supplier<CompletableFuture<Boolean>> userReady;
    /** Calls inside {@link #infer} right now: a retirement waits for them before the scheduler closes. */
    private final AtomicInteger entering = new AtomicInteger();
    /** Set when the version is replaced or unloaded: where requests that still reach it go instead. */
    private volatile Function<InferenceRequest, ServedModel> successor;

    /**
     * @param healthy  whether every instance can serve; the version is ready only while it holds
     * @param onUnload runs after the scheduler drained: finalizes the instances and releases their resources
     */
    ModelVersionRuntime(String name, long version, ModelConfig config, Scheduler scheduler, ModelStatistics statistics,
                        java.util.function.BooleanSupplier healthy, Runnable onUnload,
                        Supplier<CompletableFuture<Boolean>> userReady) {
        this.userReady = userReady;
        this.healthy = healthy;
        this.name = name;
        this.version = version;
        this.config = config;
        this.allOutputNames = config.getOutputList().stream().map(ModelOutput::getName).toList();
        this.scheduler = scheduler;
        this.statistics = statistics;
        this.onUnload = onUnload;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long version() {
        return version;
    }

    @Override
    public ModelConfig config() {
        return config;
    }

    @Override
    public ModelStatistics statistics() {
        return statistics;
    }

    @Override
    public CompletableFuture<Boolean> userReady() {
        return userReady.get();
    }

    /**
     * Schedules the request here, or, once this version is retired, on what replaced it (a request that
     * looked this version up just before a reload swapped it out is served, not refused).
     */
    @Override
    public RequestHandle infer(InferenceRequest request, ResponseSink sink) {
        entering.incrementAndGet();
        try {
            Function<InferenceRequest, ServedModel> next = successor;
            if (next == null) {
                return schedule(request, sink);
            }
            ServedModel replacement;
            try {
                replacement = next.apply(request);
            } catch (TritonException e) {
                sink.fail(e, true);
                return RequestHandle.NONE;
            }
            return replacement.infer(request, sink);
        } finally {
            entering.decrementAndGet();
        }
    }

    private RequestHandle schedule(InferenceRequest request, ResponseSink sink) {
        int batchSize;
        try {
            RequestValidator.validate(request, config);
            batchSize = RequestValidator.batchSize(request, config);
        } catch (TritonException e) {
            request.memory().release();
            sink.fail(e, true);
            return RequestHandle.NONE;
        }
        // An empty output list means every output of the config (what the model sees as requested).
        InferenceRequest scheduled = request.requestedOutputs().isEmpty() ? withAllOutputs(request) : request;
        return scheduler.submit(scheduled, batchSize, sink);
    }

    /** Never on a retired version: a request that reaches it then goes through {@link #infer}, to its successor. */
    @Override
    public ImmediateRun startAtOnce(InferenceRequest request, ResponseSink sink, Predicate<ModelInstance> runsHere) {
        entering.incrementAndGet();
        try {
            if (successor != null) {
                return null;
            }
            RequestValidator.validate(request, config);
            int batchSize = RequestValidator.batchSize(request, config);
            InferenceRequest scheduled = request.requestedOutputs().isEmpty() ? withAllOutputs(request) : request;
            return scheduler.startAtOnce(scheduled, batchSize, sink, runsHere);
        } finally {
            entering.decrementAndGet();
        }
    }

    @Override
    public RequestHandle infer(InferenceRequest request, ResponseSink sink, RequestTrace trace) {
        if (trace == null) {
            return infer(request, sink);
        }
        trace.record(TraceActivity.REQUEST_START, System.nanoTime());
        int batchSize;
        try {
            RequestValidator.validate(request, config);
            batchSize = RequestValidator.batchSize(request, config);
        } catch (TritonException e) {
            trace.record(TraceActivity.REQUEST_END, System.nanoTime());
            request.memory().release();
            sink.fail(e, true);
            return RequestHandle.NONE;
        }
        InferenceRequest scheduled = request.requestedOutputs().isEmpty() ? withAllOutputs(request) : request;
        trace.accepted(scheduled);
        return scheduler.submit(scheduled, batchSize, sink, trace);
    }

    private InferenceRequest withAllOutputs(InferenceRequest request) {
        return request.withRequestedOutputs(allOutputNames);
    }

    /** Whether every instance can serve (false while a stub process is dead). */
    boolean isHealthy() {
        return healthy.getAsBoolean();
    }

    /**
     * Stops taking requests (new ones go to {@code successor}, which throws Triton's error when nothing
     * replaces this version), waits for queued and running work (up to the deadline), then finalizes the
     * instances and removes the metrics.
     */
    void retire(Function<InferenceRequest, ServedModel> successor, long timeoutMillis) {
        this.successor = successor;
        // Both sides are volatile: a call that did not see the successor is counted here, and is scheduled
        // before the scheduler closes.
        while (entering.get() > 0) {
            Thread.onSpinWait();
        }
        unload(timeoutMillis);
    }

    /** Waits for queued work (up to the deadline), then finalizes the instances and removes the metrics. */
    void unload(long timeoutMillis) {
        scheduler.drain(timeoutMillis);
        onUnload.run();
    }
}
