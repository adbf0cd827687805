package dev.jepserve.inference;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Triton's default scheduler: one request per execute() call, each instance running one call at a time,
 * requests waiting in arrival order while every instance is busy. Never blocks the caller.
 */
public final class DefaultScheduler implements Scheduler {
    private final Object lock = new Object();
    private final ArrayDeque<ModelInstance> idle;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private final InferenceObserver observer;
    private int running;
    private boolean closed;

    public DefaultScheduler(List<? extends ModelInstance> instances, InferenceObserver observer) {
        if (instances.isEmpty()) {
            throw new IllegalArgumentException("a scheduler needs at least one model instance");
        }
        this.idle = new ArrayDeque<>(instances);
        this.observer = observer;
    }

    @Override
    public CompletableFuture<InferenceResponse> submit(InferenceRequest request, int batchSize) {
        Pending pending = new Pending(request, batchSize, System.nanoTime());
        synchronized (lock) {
            if (closed) {
                return CompletableFuture.failedFuture(TritonException.unavailable("Server not ready"));
            }
            queue.addLast(pending);
        }
        observer.queued();
        dispatch();
        return pending.future;
    }

    /** Starts as many queued requests as there are idle instances. */
    private void dispatch() {
        while (true) {
            Pending next;
            ModelInstance instance;
            synchronized (lock) {
                if (queue.isEmpty() || idle.isEmpty()) {
                    return;
                }
                next = queue.pollFirst();
                instance = idle.pollFirst();
                running++;
            }
            run(instance, next);
        }
    }

    private void run(ModelInstance instance, Pending pending) {
        long started = System.nanoTime();
        observer.dequeued();
        CompletableFuture<BatchResult> execution;
        try {
            execution = instance.execute(List.of(pending.request));
        } catch (RuntimeException e) {
            execution = CompletableFuture.failedFuture(e);
        }
        execution.whenComplete((result, error) -> {
            try {
                complete(pending, started, result, error);
            } finally {
                synchronized (lock) {
                    running--;
                    idle.addLast(instance);
                    lock.notifyAll();
                }
                dispatch();
            }
        });
    }

    private void complete(Pending pending, long started, BatchResult result, Throwable error) {
        long now = System.nanoTime();
        observer.executed(pending.batchSize);
        if (error != null) {
            observer.failed(FailureReason.BACKEND, now - pending.enqueued);
            pending.future.completeExceptionally(error instanceof TritonException ? error
                    : TritonException.internal("model execution failed: " + error));
            return;
        }
        RequestOutcome outcome = result.outcomes().get(0);
        if (outcome.succeeded()) {
            observer.succeeded(pending.batchSize, now - pending.enqueued, started - pending.enqueued,
                    result.computeInputNanos(), result.computeInferNanos(), result.computeOutputNanos());
            pending.future.complete(outcome.response());
        } else {
            observer.failed(FailureReason.BACKEND, now - pending.enqueued);
            pending.future.completeExceptionally(outcome.error());
        }
    }

    @Override
    public void drain(long timeoutMillis) {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        synchronized (lock) {
            closed = true;
            while ((running > 0 || !queue.isEmpty()) && System.currentTimeMillis() < deadline) {
                try {
                    lock.wait(Math.max(1, deadline - System.currentTimeMillis()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static final class Pending {
        final InferenceRequest request;
        final int batchSize;
        final long enqueued;
        final CompletableFuture<InferenceResponse> future = new CompletableFuture<>();

        Pending(InferenceRequest request, int batchSize, long enqueued) {
            this.request = request;
            this.batchSize = batchSize;
            this.enqueued = enqueued;
        }
    }
}
