package dev.jepserve.inference;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One model instance (Triton's instance_group entry, one TritonPythonModel object): it executes one batch
 * at a time. The scheduler hands it a second batch while the first runs only when it {@link #queuesNextBatch}.
 */
public interface ModelInstance {
    /** Triton's instance name, e.g. {@code add_sub_0_0}. */
    String name();

    /**
     * Runs the model's execute() on a batch. Responses go to each request's {@link ScheduledRequest#send}
     * or {@link ScheduledRequest#fail}, before or after execute returned; the future completes when execute
     * returned (the instance is free again), and never exceptionally for model errors.
     */
    CompletableFuture<ExecutionTimes> execute(List<ScheduledRequest> batch);

    /**
     * The model's own readiness (Python's optional {@code is_ready()}): completes with false when the model
     * says it is not ready, raises, answers something else than a bool or takes too long. Instances without
     * such a check are ready.
     */
    default CompletableFuture<Boolean> userReady() {
        return CompletableFuture.completedFuture(true);
    }

    /**
     * Whether the instance could start a batch at once (a stub instance whose stub is being restarted could not:
     * its batch would wait for the new stub). The scheduler hands the next batch to such instances first.
     */
    default boolean canRunNow() {
        return true;
    }

    /**
     * Whether the instance takes a second batch while it runs one, and starts it itself as soon as execute() of
     * the first returned, in order (a stub reads its Execute messages one after the other). Under load a stub
     * then goes from one batch to the next without sleeping for the server's next message. The scheduler does
     * this only when no instance is idle, and never with dynamic batching (a batch formed early is smaller).
     */
    default boolean queuesNextBatch() {
        return false;
    }

    /**
     * Whether execute() copies every input out of the request's tensors before its future completes, so nothing
     * reads them afterwards (a stub instance copies them into shared memory). Otherwise (in-process Python views
     * them, and a model may keep those arrays) pooled input memory is never reused.
     */
    default boolean copiesInputs() {
        return false;
    }
}
