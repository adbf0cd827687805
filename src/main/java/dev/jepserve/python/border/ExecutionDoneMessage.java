package dev.jepserve.python.border;

import java.util.List;

/**
 * execute() returned for a batch: where its time went (nanoseconds). From a stub, whose input region the
 * server reuses, also whether the model still references this batch's inputs ({@code keptInputs}) and which
 * batches reported as kept earlier it no longer references ({@code releasedInputs}).
 */
public record ExecutionDoneMessage(long batch, long computeInputNanos, long computeInferNanos,
                                   long computeOutputNanos, boolean keptInputs, List<Long> releasedInputs) {
    public ExecutionDoneMessage {
        releasedInputs = List.copyOf(releasedInputs);
    }

    /** A batch whose inputs nothing keeps (in process, or a batch that never reached Python). */
    public ExecutionDoneMessage(long batch, long computeInputNanos, long computeInferNanos, long computeOutputNanos) {
        this(batch, computeInputNanos, computeInferNanos, computeOutputNanos, false, List.of());
    }
}
