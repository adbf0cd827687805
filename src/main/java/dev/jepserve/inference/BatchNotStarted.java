package dev.jepserve.inference;

import java.util.concurrent.CompletionException;

/**
 * How an instance gives back a batch it was handed to run next ({@link ModelInstance#queuesNextBatch}) when
 * execute() never started on it (a stub process that died while the batch waited in it): the execution future
 * fails with this, and the scheduler puts the batch's requests back at the head of the queue, unanswered.
 * Only instances that copy their inputs ({@link ModelInstance#copiesInputs}) give batches back.
 */
public final class BatchNotStarted extends RuntimeException {
    public BatchNotStarted(String instanceName) {
        super("batch given back by instance '" + instanceName + "' before it started", null, false, false);
    }

    /** Whether an execution failed with this (as it is or wrapped by a future). */
    static boolean isCause(Throwable error) {
        Throwable cause = error instanceof CompletionException ? error.getCause() : error;
        return cause instanceof BatchNotStarted;
    }
}
