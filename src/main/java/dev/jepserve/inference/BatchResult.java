package dev.jepserve.inference;

import java.util.List;

/**
 * What one execute() produced: one outcome per request (same order) and where the time went.
 *
 * @param outcomes          per request: a response or an error
 * @param computeInputNanos building the Python request objects
 * @param computeInferNanos the model's execute() itself
 * @param computeOutputNanos collecting the output tensors
 */
public record BatchResult(List<RequestOutcome> outcomes, long computeInputNanos, long computeInferNanos,
                          long computeOutputNanos) {

    public BatchResult {
        outcomes = List.copyOf(outcomes);
    }

    /** Every request of the batch failed with the same error. */
    public static BatchResult allFailed(int size, TritonException error) {
        return new BatchResult(java.util.Collections.nCopies(size, RequestOutcome.failure(error)), 0, 0, 0);
    }
}
