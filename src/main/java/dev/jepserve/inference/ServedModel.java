package dev.jepserve.inference;

import dev.jepserve.config.proto.ModelConfig;

import java.util.concurrent.CompletableFuture;

/** One ready version of a model, as protocol layers see it. */
public interface ServedModel {
    String name();

    long version();

    /** The normalized configuration (what GET /config renders). */
    ModelConfig config();

    /** The statistics extension's numbers for this version. */
    ModelStatistics statistics();

    /**
     * Validates the request against the config and schedules it. The future completes with the response,
     * or exceptionally with a {@link TritonException}; every accepted request is answered.
     */
    CompletableFuture<InferenceResponse> infer(InferenceRequest request);
}
