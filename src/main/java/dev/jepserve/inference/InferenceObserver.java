package dev.jepserve.inference;

/**
 * Receives what happens to a model's requests at each stage boundary; the metrics (and later the
 * statistics extension) implement it. Called from scheduler and Python worker threads: keep it cheap.
 */
public interface InferenceObserver {
    /** A request entered the queue. */
    void queued();

    /** A queued request was handed to an instance, or left the queue without running. */
    void dequeued();

    /** One execute() call ran for {@code batchSize} inferences (sum of the requests' batch sizes). */
    void executed(int batchSize);

    /** A request succeeded; durations in nanoseconds, compute phases are those of its execute() call. */
    void succeeded(int batchSize, long requestNanos, long queueNanos, long computeInputNanos, long computeInferNanos,
                   long computeOutputNanos);

    /** A request failed after it was accepted. */
    void failed(FailureReason reason, long requestNanos);

    /** Observes nothing (tests, disabled metrics). */
    InferenceObserver NONE = new InferenceObserver() {
        @Override
        public void queued() {
        }

        @Override
        public void dequeued() {
        }

        @Override
        public void executed(int batchSize) {
        }

        @Override
        public void succeeded(int batchSize, long requestNanos, long queueNanos, long computeInputNanos,
                              long computeInferNanos, long computeOutputNanos) {
        }

        @Override
        public void failed(FailureReason reason, long requestNanos) {
        }
    };
}
