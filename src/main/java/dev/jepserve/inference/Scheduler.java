package dev.jepserve.inference;

import java.util.function.Predicate;

/** Decides when and on which instance a model's requests execute, and in which groups. */
public interface Scheduler {
    /**
     * Accepts a validated request. Its answers go to the sink, ending with a final one, also when it is
     * refused at once (queue full, server stopping).
     *
     * @param batchSize the request's batch size (1 for models without batching)
     * @return the handle through which the front end cancels it
     */
    RequestHandle submit(InferenceRequest request, int batchSize, ResponseSink sink);

    /**
     * {@link #submit(InferenceRequest, int, ResponseSink)} for a sampled request: the scheduler records its
     * stages in {@code trace} (null: not traced), ending with REQUEST_END.
     */
    default RequestHandle submit(InferenceRequest request, int batchSize, ResponseSink sink, RequestTrace trace) {
        RequestHandle handle = submit(request, batchSize, sink);
        if (trace != null) {
            trace.record(TraceActivity.REQUEST_END, System.nanoTime());
        }
        return handle;
    }

    /**
     * Starts a validated request at once on an idle instance the caller runs itself, when it would start at once
     * anyway (see {@link QueueScheduler#startAtOnce}); null when it is to be submitted instead (the default).
     */
    default ImmediateRun startAtOnce(InferenceRequest request, int batchSize, ResponseSink sink,
                                     Predicate<ModelInstance> runsHere) {
        return null;
    }

    /** Stops accepting work and waits (up to the deadline) until queued and running requests are answered. */
    void drain(long timeoutMillis);
}
