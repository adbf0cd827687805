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

    /**
     * One execute() call ran for {@code batchSize} inferences (sum of the requests' batch sizes), with these
     * compute-phase durations in nanoseconds.
     */
    void executed(int batchSize, long computeInputNanos, long computeInferNanos, long computeOutputNanos);

    /** A request succeeded; durations in nanoseconds, compute phases are those of its execute() call. */
    void succeeded(int batchSize, long requestNanos, long queueNanos, long computeInputNanos, long computeInferNanos,
                   long computeOutputNanos);

    /** A request failed after it was accepted. */
    void failed(FailureReason reason, long requestNanos);

    /** A request got its first response (or error), {@code requestNanos} after it arrived. */
    default void firstResponse(long requestNanos) {
    }

    /**
     * Response number {@code index} (from 0) of a request went out, {@code nanos} after the previous one (or
     * after its execution started, for the first): what the statistics' response_stats count.
     */
    default void responded(int index, ResponseKind kind, long nanos) {
    }

    /** Tells both observers everything, first then second. */
    static InferenceObserver both(InferenceObserver first, InferenceObserver second) {
        return new InferenceObserver() {
            @Override
            public void queued() {
                first.queued();
                second.queued();
            }

            @Override
            public void dequeued() {
                first.dequeued();
                second.dequeued();
            }

            @Override
            public void executed(int batchSize, long computeInputNanos, long computeInferNanos,
                                 long computeOutputNanos) {
                first.executed(batchSize, computeInputNanos, computeInferNanos, computeOutputNanos);
                second.executed(batchSize, computeInputNanos, computeInferNanos, computeOutputNanos);
            }

            @Override
            public void succeeded(int batchSize, long requestNanos, long queueNanos, long computeInputNanos,
                                  long computeInferNanos, long computeOutputNanos) {
                first.succeeded(batchSize, requestNanos, queueNanos, computeInputNanos, computeInferNanos,
                        computeOutputNanos);
                second.succeeded(batchSize, requestNanos, queueNanos, computeInputNanos, computeInferNanos,
                        computeOutputNanos);
            }

            @Override
            public void failed(FailureReason reason, long requestNanos) {
                first.failed(reason, requestNanos);
                second.failed(reason, requestNanos);
            }

            @Override
            public void firstResponse(long requestNanos) {
                first.firstResponse(requestNanos);
                second.firstResponse(requestNanos);
            }

            @Override
            public void responded(int index, ResponseKind kind, long nanos) {
                first.responded(index, kind, nanos);
                second.responded(index, kind, nanos);
            }
        };
    }

    /** Observes nothing (tests, disabled metrics). */
    InferenceObserver NONE = new InferenceObserver() {
        @Override
        public void queued() {
        }

        @Override
        public void dequeued() {
        }

        @Override
        public void executed(int batchSize, long computeInputNanos, long computeInferNanos, long computeOutputNanos) {
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
