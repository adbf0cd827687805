package dev.jepserve.inference;

import java.util.concurrent.CompletableFuture;

/** Decides when and on which instance a model's requests execute, and in which groups. */
public interface Scheduler {
    /**
     * Accepts a validated request. The future completes with its response or a {@link TritonException};
     * every accepted request is answered exactly once.
     *
     * @param batchSize the request's batch size (1 for models without batching)
     */
    CompletableFuture<InferenceResponse> submit(InferenceRequest request, int batchSize);

    /** Stops accepting work and waits (up to the deadline) until queued and running requests are answered. */
    void drain(long timeoutMillis);
}
