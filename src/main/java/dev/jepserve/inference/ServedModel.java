package dev.jepserve.inference;

import dev.jepserve.config.proto.ModelConfig;

import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/** One ready version of a model, as protocol layers see it. */
public interface ServedModel {
    String name();

    long version();

    /** The normalized configuration (what GET /config renders). */
    ModelConfig config();

    /** The statistics extension's numbers for this version. */
    ModelStatistics statistics();

    /** Whether the model is decoupled (model_transaction_policy.decoupled): any number of responses per request. */
    default boolean isDecoupled() {
        return config().getModelTransactionPolicy().getDecoupled();
    }

    /**
     * Validates the request against the config and schedules it. Every request gets its answers through the
     * sink, ending with a final one: a refused request at once (before this returns), an accepted one later.
     */
    RequestHandle infer(InferenceRequest request, ResponseSink sink);

    /**
     * {@link #infer(InferenceRequest, ResponseSink)} for a sampled request: its stages are recorded in
     * {@code trace} (null: not traced), from REQUEST_START to REQUEST_END.
     */
    default RequestHandle infer(InferenceRequest request, ResponseSink sink, RequestTrace trace) {
        if (trace == null) {
            return infer(request, sink);
        }
        trace.record(TraceActivity.REQUEST_START, System.nanoTime());
        trace.accepted(request);
        RequestHandle handle = infer(request, sink);
        trace.record(TraceActivity.REQUEST_END, System.nanoTime());
        return handle;
    }

    /**
     * Validates the request as {@link #infer(InferenceRequest, ResponseSink)} does and starts it at once on an
     * idle instance that {@code runsHere} accepts, for the caller to run (an in-process BLS call), when the
     * scheduler would start it at once anyway.
     *
     * @return the run, or null when the request is to go through {@link #infer} instead (the default)
     * @throws TritonException when the request is not valid (Triton's texts, as infer's sink would get them)
     */
    default ImmediateRun startAtOnce(InferenceRequest request, ResponseSink sink,
                                     Predicate<ModelInstance> runsHere) {
        return null;
    }

    /**
     * For callers that want exactly one answer: the future completes with the first response, or
     * exceptionally with a {@link TritonException}; cancelling it cancels the request.
     */
    default CompletableFuture<InferenceResponse> infer(InferenceRequest request) {
        return SingleResponseFuture.submit(this, request);
    }

    /** The model's own readiness check ({@link ModelInstance#userReady()} of every instance); true by default. */
    default CompletableFuture<Boolean> userReady() {
        return CompletableFuture.completedFuture(true);
    }
}
