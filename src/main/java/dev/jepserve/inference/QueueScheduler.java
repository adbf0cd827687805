package dev.jepserve.inference;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Triton's schedulers for one model version: requests wait in arrival order; whenever an instance is idle,
 * a batch is formed from the head of the queue per the {@link BatchPolicy} (one request for the default
 * scheduler; up to max_batch_size of equal-shaped requests, preferring preferred sizes and waiting at most
 * max_queue_delay, with dynamic batching). Each instance runs one batch at a time.
 *
 * <p>Event-driven, no thread of its own: it acts on submit, on completion and on timers (batch delays and
 * request timeouts) from a shared timer executor. Every accepted request is answered exactly once, unless
 * its client went away (its future was cancelled), in which case it is dropped and counted as CANCELED.
 */
public final class QueueScheduler implements Scheduler {
    private final Object lock = new Object();
    private final ArrayDeque<ModelInstance> idle;
    private final ArrayDeque<PendingRequest> queue = new ArrayDeque<>();
    private final Set<PendingRequest> running = new HashSet<>();
    private final BatchPolicy policy;
    private final BatchShapes shapes;
    private final InferenceObserver observer;
    private final ScheduledExecutorService timers;
    private long nextWakeNanos = Long.MAX_VALUE;
    private boolean closed;

    public QueueScheduler(List<? extends ModelInstance> instances, BatchPolicy policy, InferenceObserver observer,
                          ScheduledExecutorService timers) {
        if (instances.isEmpty()) {
            throw new IllegalArgumentException("a scheduler needs at least one model instance");
        }
        this.idle = new ArrayDeque<>(instances);
        this.policy = policy;
        this.shapes = new BatchShapes(policy.raggedInputs(), policy.hasBatchDimension());
        this.observer = observer;
        this.timers = timers;
    }

    @Override
    public CompletableFuture<InferenceResponse> submit(InferenceRequest request, int batchSize) {
        long now = System.nanoTime();
        PendingRequest pending = newPending(request, batchSize, now);
        synchronized (lock) {
            if (closed) {
                return CompletableFuture.failedFuture(TritonException.unavailable("Server not ready"));
            }
            if (policy.maxQueueSize() > 0 && queue.size() >= policy.maxQueueSize()) {
                observer.failed(FailureReason.REJECTED, 0);
                return CompletableFuture.failedFuture(TritonException.unavailable("Exceeds maximum queue size"));
            }
            queue.addLast(pending);
        }
        observer.queued();
        // A client that goes away cancels the future: take its request off the queue promptly.
        pending.future.whenComplete((response, failure) -> {
            if (pending.abandoned()) {
                schedule();
            }
        });
        schedule();
        return pending.future;
    }

    private PendingRequest newPending(InferenceRequest request, int batchSize, long now) {
        long queueTimeout = policy.isDynamic() ? policy.queueTimeoutMicros(request) : 0;
        if (queueTimeout > 0 && policy.rejectOnTimeout()) {
            return new PendingRequest(request, batchSize, now, now + queueTimeout * 1000, true);
        }
        long deadline = request.timeoutMicros() > 0 ? now + request.timeoutMicros() * 1000 : Long.MAX_VALUE;
        return new PendingRequest(request, batchSize, now, deadline, false);
    }

    /** Answers expired and abandoned requests, starts every batch that is due, and arms the next timer. */
    private void schedule() {
        List<Runnable> actions = new ArrayList<>();
        synchronized (lock) {
            long now = System.nanoTime();
            expire(now, actions);
            while (!idle.isEmpty() && !queue.isEmpty()) {
                List<PendingRequest> batch = dueBatch(now);
                if (batch == null) {
                    break;
                }
                ModelInstance instance = idle.pollFirst();
                running.addAll(batch);
                actions.add(() -> run(instance, batch));
            }
            armTimer(now);
        }
        // Outside the lock: observers, futures and instances may call back in.
        actions.forEach(Runnable::run);
    }

    /** Takes timed-out and abandoned requests off the queue and marks timed-out running ones. */
    private void expire(long now, List<Runnable> actions) {
        for (Iterator<PendingRequest> it = queue.iterator(); it.hasNext(); ) {
            PendingRequest pending = it.next();
            if (pending.abandoned()) {
                it.remove();
                actions.add(() -> {
                    observer.dequeued();
                    observer.failed(FailureReason.CANCELED, now - pending.enqueuedNanos);
                });
            } else if (now >= pending.deadlineNanos) {
                it.remove();
                pending.markTimedOut();
                actions.add(() -> timeOut(pending, now));
            }
        }
        for (PendingRequest pending : running) {
            if (now >= pending.deadlineNanos) {
                pending.markTimedOut();
            }
        }
    }

    private void timeOut(PendingRequest pending, long now) {
        observer.dequeued();
        if (pending.rejectAtDeadline) {
            observer.failed(FailureReason.REJECTED, now - pending.enqueuedNanos);
            pending.future.completeExceptionally(TritonException.unavailable("Request timeout expired"));
        } else {
            observer.failed(FailureReason.CANCELED, now - pending.enqueuedNanos);
            pending.future.completeExceptionally(new TritonException(TritonCode.CANCELLED, "Request timeout expired"));
        }
    }

    /**
     * The batch to start now, taken off the queue, or null when the head should wait for more requests.
     * Requests are taken in order while they fit and their shapes match the first one's.
     */
    private List<PendingRequest> dueBatch(long now) {
        List<PendingRequest> candidates = new ArrayList<>();
        int total = 0;
        int preferredCount = 0;
        boolean canGrow = true;
        for (PendingRequest pending : queue) {
            boolean fits = candidates.size() < policy.maxRequestsPerBatch()
                    && (candidates.isEmpty() || total + pending.batchSize <= policy.maxBatchSize())
                    && (candidates.isEmpty() || shapes.compatible(candidates.get(0).request, pending.request));
            if (!fits) {
                canGrow = false;
                break;
            }
            candidates.add(pending);
            total += pending.batchSize;
            if (policy.preferredBatchSizes().contains(total)) {
                preferredCount = candidates.size();
            }
        }
        if (total >= policy.maxBatchSize() || candidates.size() >= policy.maxRequestsPerBatch()) {
            canGrow = false;
        }
        int take;
        if (preferredCount > 0) {
            take = preferredCount;
        } else if (!canGrow || now - queue.peekFirst().enqueuedNanos >= policy.maxQueueDelayNanos()) {
            take = candidates.size();
        } else {
            return null;
        }
        List<PendingRequest> batch = new ArrayList<>(take);
        for (int i = 0; i < take; i++) {
            batch.add(queue.pollFirst());
        }
        return batch;
    }

    /** Wakes up at the earliest of: the head's batching delay, any request deadline. */
    private void armTimer(long now) {
        long wake = Long.MAX_VALUE;
        if (!queue.isEmpty() && !idle.isEmpty()) {
            wake = queue.peekFirst().enqueuedNanos + policy.maxQueueDelayNanos();
        }
        for (PendingRequest pending : queue) {
            wake = Math.min(wake, pending.deadlineNanos);
        }
        for (PendingRequest pending : running) {
            wake = Math.min(wake, pending.deadlineNanos);
        }
        if (wake == Long.MAX_VALUE || wake >= nextWakeNanos) {
            return;
        }
        nextWakeNanos = wake;
        timers.schedule(this::onTimer, Math.max(0, wake - now), TimeUnit.NANOSECONDS);
    }

    private void onTimer() {
        synchronized (lock) {
            nextWakeNanos = Long.MAX_VALUE;
        }
        schedule();
    }

    private void run(ModelInstance instance, List<PendingRequest> batch) {
        long started = System.nanoTime();
        List<InferenceRequest> requests = new ArrayList<>(batch.size());
        for (PendingRequest pending : batch) {
            observer.dequeued();
            requests.add(pending.request);
        }
        CompletableFuture<BatchResult> execution;
        try {
            execution = instance.execute(requests, new BatchCancellation(batch));
        } catch (RuntimeException e) {
            execution = CompletableFuture.failedFuture(e);
        }
        execution.whenComplete((result, error) -> {
            try {
                complete(batch, started, result, error);
            } finally {
                synchronized (lock) {
                    running.removeAll(batch);
                    idle.addLast(instance);
                    lock.notifyAll();
                }
                schedule();
            }
        });
    }

    private void complete(List<PendingRequest> batch, long started, BatchResult result, Throwable error) {
        long now = System.nanoTime();
        int batchSize = batch.stream().mapToInt(p -> p.batchSize).sum();
        if (error != null) {
            result = BatchResult.allFailed(batch.size(), error instanceof TritonException triton ? triton
                    : TritonException.internal("model execution failed: " + error));
        }
        observer.executed(batchSize, result.computeInputNanos(), result.computeInferNanos(),
                result.computeOutputNanos());
        for (int i = 0; i < batch.size(); i++) {
            PendingRequest pending = batch.get(i);
            RequestOutcome outcome = result.outcomes().get(i);
            if (outcome.succeeded()) {
                observer.succeeded(pending.batchSize, now - pending.enqueuedNanos, started - pending.enqueuedNanos,
                        result.computeInputNanos(), result.computeInferNanos(), result.computeOutputNanos());
                pending.future.complete(outcome.response());
            } else {
                FailureReason reason = pending.isCancelled() ? FailureReason.CANCELED : FailureReason.BACKEND;
                observer.failed(reason, now - pending.enqueuedNanos);
                pending.future.completeExceptionally(outcome.error());
            }
        }
    }

    @Override
    public void drain(long timeoutMillis) {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        synchronized (lock) {
            closed = true;
        }
        while (System.currentTimeMillis() < deadline) {
            schedule();
            synchronized (lock) {
                if (running.isEmpty() && queue.isEmpty()) {
                    return;
                }
                try {
                    lock.wait(Math.max(1, Math.min(50, deadline - System.currentTimeMillis())));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
