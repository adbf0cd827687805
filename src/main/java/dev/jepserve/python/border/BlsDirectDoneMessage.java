package dev.jepserve.python.border;

/**
 * The called model's execute() of a direct BLS call returned, as {@code jepserve_bls.BlsDirectDoneMessage}
 * reports it; its response (a {@link ResponseMessage}, when it has one by then) travels beside it.
 *
 * @param outputByteSizes each output's size in bytes, in the response's output order (for the output contract)
 */
public record BlsDirectDoneMessage(long call, long computeInputNanos, long computeInferNanos,
                                   long computeOutputNanos, long[] outputByteSizes) {
}
