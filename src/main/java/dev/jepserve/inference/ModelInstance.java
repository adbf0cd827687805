package dev.jepserve.inference;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One model instance (Triton's instance_group entry, one TritonPythonModel object): it executes one batch
 * at a time; the scheduler never hands it a second batch before the first completes.
 */
public interface ModelInstance {
    /** Triton's instance name, e.g. {@code add_sub_0_0}. */
    String name();

    /**
     * Runs the model's execute() on a batch. The future never completes exceptionally for model errors.
     *
     * @param cancellation tells the model (request.is_cancelled()) which requests were cancelled meanwhile
     */
    CompletableFuture<BatchResult> execute(List<InferenceRequest> batch, BatchCancellation cancellation);
}
