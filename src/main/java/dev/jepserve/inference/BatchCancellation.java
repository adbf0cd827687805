package dev.jepserve.inference;

import java.util.List;

/** Lets a running execute() ask whether request {@code index} of its batch was cancelled (Python calls it). */
public final class BatchCancellation {
    private final List<PendingRequest> batch;

    BatchCancellation(List<PendingRequest> batch) {
        this.batch = batch;
    }

    /** For batches nobody can cancel (tests, internal calls). */
    public static BatchCancellation none() {
        return new BatchCancellation(List.of());
    }

    public boolean isCancelled(int index) {
        return index >= 0 && index < batch.size() && batch.get(index).isCancelled();
    }
}
