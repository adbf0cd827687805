package dev.jepserve.python.border;

/** execute() returned for a batch: where its time went (nanoseconds). */
public record ExecutionDoneMessage(long batch, long computeInputNanos, long computeInferNanos,
                                   long computeOutputNanos) {
}
