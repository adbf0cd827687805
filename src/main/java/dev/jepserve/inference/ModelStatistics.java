package dev.jepserve.inference;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The statistics extension's numbers for one model version (GET /v2/models/{m}/stats), accumulated from
 * the scheduler's events with Triton's rules: each request counts once whatever its batch size, the
 * compute phases of an execute() are attributed to every request in it, and batch_stats count executions.
 */
public final class ModelStatistics implements InferenceObserver {
    /** A count and a total duration in nanoseconds. */
    public record Duration(long count, long ns) {
        Duration plus(long nanos) {
            return new Duration(count + 1, ns + nanos);
        }
    }

    /** The executions of one batch size. */
    public record BatchStats(int batchSize, Duration computeInput, Duration computeInfer, Duration computeOutput) {
    }

    /**
     * The responses with one index (0 = every request's first response): Triton's response_stats entry.
     * compute_infer is the time since the previous response (or since execution started); compute_output is
     * not measured separately here (0 ns per response).
     */
    public record ResponseStats(int index, Duration computeInfer, Duration computeOutput, Duration success,
                                Duration fail, Duration emptyResponse, Duration cancel) {
        ResponseStats plus(ResponseKind kind, long nanos) {
            return switch (kind) {
                case SUCCESS -> new ResponseStats(index, computeInfer.plus(nanos), computeOutput.plus(0),
                        success.plus(nanos), fail, emptyResponse, cancel);
                case FAIL -> new ResponseStats(index, computeInfer, computeOutput, success, fail.plus(nanos),
                        emptyResponse, cancel);
                case EMPTY -> new ResponseStats(index, computeInfer, computeOutput, success, fail,
                        emptyResponse.plus(nanos), cancel);
                case CANCEL -> new ResponseStats(index, computeInfer, computeOutput, success, fail, emptyResponse,
                        cancel.plus(nanos));
            };
        }
    }

    /** A consistent copy of every number. */
    public record Snapshot(long lastInferenceMillis, long inferenceCount, long executionCount, Duration success,
                           Duration fail, Duration queue, Duration computeInput, Duration computeInfer,
                           Duration computeOutput, List<BatchStats> batchStats, List<ResponseStats> responseStats) {
    }

    private static final Duration ZERO = new Duration(0, 0);

    private long lastInferenceMillis;
    private long inferenceCount;
    private long executionCount;
    private Duration success = ZERO;
    private Duration fail = ZERO;
    private Duration queue = ZERO;
    private Duration computeInput = ZERO;
    private Duration computeInfer = ZERO;
    private Duration computeOutput = ZERO;
    private final Map<Integer, BatchStats> batches = new TreeMap<>();
    private final Map<Integer, ResponseStats> responses = new TreeMap<>();

    @Override
    public void queued() {
    }

    @Override
    public void dequeued() {
    }

    @Override
    public synchronized void executed(int batchSize, long computeInputNanos, long computeInferNanos,
                                      long computeOutputNanos) {
        executionCount++;
        lastInferenceMillis = System.currentTimeMillis();
        BatchStats stats = batches.getOrDefault(batchSize, new BatchStats(batchSize, ZERO, ZERO, ZERO));
        batches.put(batchSize, new BatchStats(batchSize, stats.computeInput().plus(computeInputNanos),
                stats.computeInfer().plus(computeInferNanos), stats.computeOutput().plus(computeOutputNanos)));
    }

    @Override
    public synchronized void succeeded(int batchSize, long requestNanos, long queueNanos, long computeInputNanos,
                                       long computeInferNanos, long computeOutputNanos) {
        inferenceCount += batchSize;
        success = success.plus(requestNanos);
        queue = queue.plus(queueNanos);
        computeInput = computeInput.plus(computeInputNanos);
        computeInfer = computeInfer.plus(computeInferNanos);
        computeOutput = computeOutput.plus(computeOutputNanos);
    }

    @Override
    public synchronized void failed(FailureReason reason, long requestNanos) {
        fail = fail.plus(requestNanos);
    }

    @Override
    public synchronized void responded(int index, ResponseKind kind, long nanos) {
        ResponseStats stats = responses.getOrDefault(index,
                new ResponseStats(index, ZERO, ZERO, ZERO, ZERO, ZERO, ZERO));
        responses.put(index, stats.plus(kind, nanos));
    }

    public synchronized Snapshot snapshot() {
        return new Snapshot(lastInferenceMillis, inferenceCount, executionCount, success, fail, queue, computeInput,
                computeInfer, computeOutput, new ArrayList<>(batches.values()), new ArrayList<>(responses.values()));
    }
}
