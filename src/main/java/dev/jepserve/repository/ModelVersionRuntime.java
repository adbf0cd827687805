package dev.jepserve.repository;

import dev.jepserve.config.proto.ModelConfig;
import dev.jepserve.config.proto.ModelOutput;
import dev.jepserve.inference.InferenceRequest;
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

    /**
     * @param healthy  whether every instance can serve; the version is ready only while it holds
     * @param onUnload runs after the scheduler drained: finalizes the instances and releases their resources
     */
    ModelVersionRuntime(String name, long version, ModelConfig config, Scheduler scheduler, ModelStatistics statistics,
                        java.util.function.BooleanSupplier healthy, Runnable onUnload) {
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
    public RequestHandle infer(InferenceRequest request, ResponseSink sink) {
        int batchSize;
        try {
            RequestValidator.validate(request, config);
            batchSize = RequestValidator.batchSize(request, config);
        } catch (TritonException e) {
            sink.fail(e, true);
            return RequestHandle.NONE;
        }
        // An empty output list means every output of the config (what the model sees as requested).
        InferenceRequest scheduled = request.requestedOutputs().isEmpty() ? withAllOutputs(request) : request;
        return scheduler.submit(scheduled, batchSize, sink);
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
            sink.fail(e, true);
            return RequestHandle.NONE;
        }
        InferenceRequest scheduled = request.requestedOutputs().isEmpty() ? withAllOutputs(request) : request;
        trace.accepted(scheduled);
        return scheduler.submit(scheduled, batchSize, sink, trace);
    }

    private InferenceRequest withAllOutputs(InferenceRequest request) {
        return new InferenceRequest(request.modelName(), request.modelVersion(), request.id(), request.correlationId(),
                request.flags(), request.timeoutMicros(), request.parameters(), request.inputs(), allOutputNames);
    }

    /** Whether every instance can serve (false while a stub process is dead). */
    boolean isHealthy() {
        return healthy.getAsBoolean();
    }

    /** Waits for queued work (up to the deadline), then finalizes the instances and removes the metrics. */
    void unload(long timeoutMillis) {
        scheduler.drain(timeoutMillis);
        onUnload.run();
    }
}
