package dev.jepserve.inference;

/**
 * The trace of one sampled request. Only sampled requests have one: everywhere else the trace is null and the
 * core does nothing for tracing, so an unsampled request pays one null check per stage.
 *
 * <p>Two parties write it: the front end (receive and send times, then {@link #finish()}) and the core (from
 * REQUEST_START to REQUEST_END, which the core records exactly once for every request it was handed, refused
 * or not). The trace is complete, and goes to its sink, when both happened.
 */
public interface RequestTrace {
    /** Records that {@code activity} happened at {@code nanoTime} (a {@link System#nanoTime()} reading). */
    void record(TraceActivity activity, long nanoTime);

    /** The request as the core accepted it (its id; its inputs at the TENSORS level). */
    default void accepted(InferenceRequest request) {
    }

    /** A response the model sent (its outputs at the TENSORS level). */
    default void responded(InferenceResponse response) {
    }

    /** The front end is done: its last answer went out, or it gave up on the request. */
    void finish();
}
