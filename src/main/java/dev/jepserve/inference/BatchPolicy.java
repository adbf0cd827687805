package dev.jepserve.inference;

import dev.jepserve.config.proto.ModelConfig;
import dev.jepserve.config.proto.ModelDynamicBatching;
import dev.jepserve.config.proto.ModelInput;
import dev.jepserve.config.proto.ModelQueuePolicy;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How a model's queued requests are grouped into execute() calls and how long they may wait.
 *
 * @param maxRequestsPerBatch   1 for Triton's default scheduler, unlimited with dynamic batching
 * @param maxBatchSize          the largest sum of request batch sizes in one call
 * @param preferredBatchSizes   batch sizes sent as soon as they can be formed (ascending)
 * @param maxQueueDelayNanos    how long the oldest request may wait for a fuller batch
 * @param maxQueueSize          queued requests beyond this are rejected; 0 means no limit
 * @param defaultTimeoutMicros  queue timeout applied to every request; 0 means none
 * @param allowTimeoutOverride  a request's own timeout replaces the default queue timeout
 * @param rejectOnTimeout       true: a request whose queue timeout expires is rejected (Triton's REJECT)
 * @param raggedInputs          inputs whose shapes may differ between requests of one batch
 * @param hasBatchDimension     max_batch_size > 0: dim 0 of every input is the request's batch size
 */
public record BatchPolicy(
        int maxRequestsPerBatch,
        int maxBatchSize,
        List<Integer> preferredBatchSizes,
        long maxQueueDelayNanos,
        int maxQueueSize,
        long defaultTimeoutMicros,
        boolean allowTimeoutOverride,
        boolean rejectOnTimeout,
        Set<String> raggedInputs,
        boolean hasBatchDimension) {

    public BatchPolicy {
        preferredBatchSizes = preferredBatchSizes.stream().sorted().toList();
        raggedInputs = Set.copyOf(raggedInputs);
    }

    /** Triton's default scheduler: one request per execute(), no queue policy. */
    public static BatchPolicy oneRequestPerCall() {
        return new BatchPolicy(1, Integer.MAX_VALUE, List.of(), 0, 0, 0, false, true, Set.of(), false);
    }

    /** The policy a normalized config asks for: dynamic batching when configured, else the default scheduler. */
    public static BatchPolicy from(ModelConfig config) {
        if (!config.hasDynamicBatching()) {
            return oneRequestPerCall();
        }
        ModelDynamicBatching batching = config.getDynamicBatching();
        ModelQueuePolicy queue = batching.getDefaultQueuePolicy();
        // Without a batch dimension every request counts as 1, so max_batch_size 0 still groups one at a time.
        int maxBatchSize = Math.max(1, config.getMaxBatchSize());
        Set<String> ragged = config.getInputList().stream().filter(ModelInput::getAllowRaggedBatch)
                .map(ModelInput::getName).collect(Collectors.toSet());
        return new BatchPolicy(Integer.MAX_VALUE, maxBatchSize, batching.getPreferredBatchSizeList(),
                batching.getMaxQueueDelayMicroseconds() * 1000, queue.getMaxQueueSize(),
                queue.getDefaultTimeoutMicroseconds(), queue.getAllowTimeoutOverride(),
                queue.getTimeoutAction() == ModelQueuePolicy.TimeoutAction.REJECT, ragged, config.getMaxBatchSize() > 0);
    }

    public boolean isDynamic() {
        return maxRequestsPerBatch > 1;
    }

    /** The queue timeout of a request in microseconds (0 for none), per the queue policy. */
    long queueTimeoutMicros(InferenceRequest request) {
        if (allowTimeoutOverride && request.timeoutMicros() > 0) {
            return request.timeoutMicros();
        }
        return defaultTimeoutMicros;
    }
}
