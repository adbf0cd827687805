package dev.jepserve.inference;

import java.util.concurrent.CompletableFuture;

/** A request the scheduler accepted: its timing, its deadline and the future its answer completes. */
final class PendingRequest {
    final InferenceRequest request;
    final int batchSize;
    final long enqueuedNanos;
    /** When the request's timeout expires (System.nanoTime), or Long.MAX_VALUE for none. */
    final long deadlineNanos;
    /** At the deadline a queued request is rejected (a queue-policy timeout) rather than cancelled. */
    final boolean rejectAtDeadline;
    /** Completed by the scheduler; the protocol layer cancels it when the client goes away. */
    final CompletableFuture<InferenceResponse> future = new CompletableFuture<>();
    private volatile boolean timedOut;

    PendingRequest(InferenceRequest request, int batchSize, long enqueuedNanos, long deadlineNanos,
                   boolean rejectAtDeadline) {
        this.request = request;
        this.batchSize = batchSize;
        this.enqueuedNanos = enqueuedNanos;
        this.deadlineNanos = deadlineNanos;
        this.rejectAtDeadline = rejectAtDeadline;
    }

    void markTimedOut() {
        timedOut = true;
    }

    boolean timedOut() {
        return timedOut;
    }

    /** What the model sees through request.is_cancelled(): the client left, or the timeout expired. */
    boolean isCancelled() {
        return timedOut || future.isCancelled();
    }

    /** The client is gone: nobody waits for the answer any more. */
    boolean abandoned() {
        return future.isCancelled();
    }
}
