package dev.jepserve.inference;

/**
 * Where one execute() call's time went, reported when execute returned (the instance may take the next
 * batch then; its requests may still be answered later, by a decoupled model).
 *
 * @param computeInputNanos  building the model's request objects
 * @param computeInferNanos  the model's execute() itself
 * @param computeOutputNanos collecting the returned responses
 */
public record ExecutionTimes(long computeInputNanos, long computeInferNanos, long computeOutputNanos) {
    public static final ExecutionTimes NONE = new ExecutionTimes(0, 0, 0);
}
