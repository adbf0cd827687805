package dev.jepserve.inference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Triton's schedulers for one model version: requests wait in arrival order; whenever an instance is idle,
 * a batch is formed from the head of the queue per the {@link BatchPolicy} (one request for the default
 * scheduler; up to max_batch_size of equal-shaped requests, preferring preferred sizes and waiting at most
 * max_queue_delay, with dynamic batching). Each instance runs one batch at a time.
 *
 * <p>Event-driven, no thread of its own: it acts on submit, on completion and on timers (batch delays and
 * request timeouts) from a shared timer executor. Every accepted request gets a final answer through its
 * sink; one whose client went away while it was queued is dropped, answered CANCELLED and counted as CANCELED.
 * An instance is free again when execute() returned, which may be before or after its requests are answered.
 */
public final class QueueScheduler implements Scheduler {
    private static final Logger LOG = LoggerFactory.getLogger(QueueScheduler.class);

    private final Object lock = new Object();
    private final ArrayDeque<ModelInstance> idle;
    /**
     * Instances running one batch that take a second one to start when the first returns ({@link
     * ModelInstance#queuesNextBatch}), the earliest started first. Used only when no instance is idle.
     */
    private final ArrayDeque<ModelInstance> spare = new ArrayDeque<>();
    private final ArrayDeque<ScheduledRequest> queue = new ArrayDeque<>();
    /** Accepted and not yet finally answered: queued, running, or answered later by a decoupled model. */
    private final Set<ScheduledRequest> live = new HashSet<>();
    /**
     * The batches each busy instance holds, in the order it runs them: the running one first (when it
     * started: for {@link #allInstancesStuck}), then at most one waiting to start.
     */
    private final Map<ModelInstance, ArrayDeque<Running>> running = new IdentityHashMap<>();
    /** Whether instances may be handed a second batch (never with dynamic batching: see {@link #schedule}). */
    private final boolean queuesNextBatch;
    private final BatchPolicy policy;
    private final BatchShapes shapes;
    private final InferenceObserver observer;
    private final ScheduledExecutorService timers;
    private final OutputContract contract;
    private long nextWakeNanos = Long.MAX_VALUE;
    private boolean closed;

    public QueueScheduler(List<? extends ModelInstance> instances, BatchPolicy policy, InferenceObserver observer,
                          ScheduledExecutorService timers) {
        this(instances, policy, observer, timers, OutputContract.NONE);
    }

    /** @param contract checks every response of the model against its config */
    public QueueScheduler(List<? extends ModelInstance> instances, BatchPolicy policy, InferenceObserver observer,
                          ScheduledExecutorService timers, OutputContract contract) {
        this.contract = contract;
        if (instances.isEmpty()) {
            throw new IllegalArgumentException("a scheduler needs at least one model instance");
        }
        this.idle = new ArrayDeque<>(instances);
        this.policy = policy;
        this.queuesNextBatch = !policy.isDynamic();
        this.shapes = new BatchShapes(policy.raggedInputs(), policy.hasBatchDimension());
        this.observer = observer;
        this.timers = timers;
    }

    @Override
    public RequestHandle submit(InferenceRequest request, int batchSize, ResponseSink sink) {
        return submit(request, batchSize, sink, null);
    }

    @Override
    public RequestHandle submit(InferenceRequest request, int batchSize, ResponseSink sink, RequestTrace trace) {
        long now = System.nanoTime();
        ScheduledRequest scheduled = newScheduled(request, batchSize, sink, now, trace);
        synchronized (lock) {
            if (closed) {
                endTrace(trace);
                request.memory().release();
                sink.fail(TritonException.unavailable("Server not ready"), true);
                return RequestHandle.NONE;
            }
            if (policy.maxQueueSize() > 0 && queue.size() >= policy.maxQueueSize()) {
                observer.failed(FailureReason.REJECTED, 0);
                endTrace(trace);
                request.memory().release();
                sink.fail(TritonException.unavailable("Exceeds maximum queue size"), true);
                return RequestHandle.NONE;
            }
            queue.addLast(scheduled);
            live.add(scheduled);
        }
        if (trace != null) {
            trace.record(TraceActivity.QUEUE_START, now);
        }
        observer.queued();
        schedule();
        // A client that goes away: take its request off the queue promptly; a running one sees is_cancelled().
        return () -> {
            scheduled.abandon();
            schedule();
        };
    }

    private static void endTrace(RequestTrace trace) {
        if (trace != null) {
            trace.record(TraceActivity.REQUEST_END, System.nanoTime());
        }
    }

    private ScheduledRequest newScheduled(InferenceRequest request, int batchSize, ResponseSink sink, long now,
                                          RequestTrace trace) {
        long queueTimeout = policy.isDynamic() ? policy.queueTimeoutMicros(request) : 0;
        boolean reject = queueTimeout > 0 && policy.rejectOnTimeout();
        long deadline = reject ? now + queueTimeout * 1000
                : request.timeoutMicros() > 0 ? now + request.timeoutMicros() * 1000 : Long.MAX_VALUE;
        return new ScheduledRequest(request, batchSize, now, deadline, reject, sink, observer, this::finished, trace,
                contract);
    }

    /** A request got its final answer: it no longer counts for draining or deadlines. */
    private void finished(ScheduledRequest request) {
        synchronized (lock) {
            live.remove(request);
            lock.notifyAll();
        }
    }

    /** Answers expired and abandoned requests, starts every batch that is due, and arms the next timer. */
    private void schedule() {
        List<Runnable> actions = new ArrayList<>();
        synchronized (lock) {
            long now = System.nanoTime();
            expire(now, actions);
            while ((!idle.isEmpty() || hasSpare()) && !queue.isEmpty()) {
                List<ScheduledRequest> batch = dueBatch(now);
                if (batch == null) {
                    break;
                }
                boolean startsNow = !idle.isEmpty();
                ModelInstance instance = startsNow ? idle.pollFirst() : spare.pollFirst();
                batch.forEach(pending -> pending.takenBy(instance));
                running.computeIfAbsent(instance, key -> new ArrayDeque<>(2)).addLast(new Running(batch, now));
                if (startsNow && queuesNextBatch && instance.queuesNextBatch()) {
                    spare.addLast(instance);
                }
                actions.add(() -> run(instance, batch, startsNow));
            }
            armTimer(now);
        }
        // Outside the lock: observers, futures and instances may call back in.
        actions.forEach(Runnable::run);
    }

    /**
     * Whether an instance can take a batch to run next. One that no longer can (its stub broke, or its batch
     * waits on a BLS call, which might come back to this very model) leaves the spare ones until its batch
     * ends.
     */
    private boolean hasSpare() {
        while (!spare.isEmpty() && !spare.peekFirst().queuesNextBatch()) {
            spare.pollFirst();
        }
        return !spare.isEmpty();
    }

    /** Takes timed-out and abandoned requests off the queue and marks timed-out running ones. */
    private void expire(long now, List<Runnable> actions) {
        for (Iterator<ScheduledRequest> it = queue.iterator(); it.hasNext(); ) {
            ScheduledRequest pending = it.next();
            if (pending.abandoned()) {
                it.remove();
                actions.add(() -> {
                    observer.dequeued();
                    pending.refuse(new TritonException(TritonCode.CANCELLED, "Request was cancelled"),
                            FailureReason.CANCELED);
                });
            } else if (now >= pending.deadlineNanos()) {
                it.remove();
                pending.markTimedOut();
                actions.add(() -> timeOut(pending));
            }
        }
        for (ScheduledRequest pending : live) {
            if (now >= pending.deadlineNanos() && !pending.isCancelled()) {
                pending.markTimedOut();
                if (!pending.rejectAtDeadline()) {
                    // Running past the request's own timeout: the client hears now, whether or not execute()
                    // ever checks is_cancelled(); whatever the model sends later is dropped.
                    actions.add(() -> pending.fail(
                            new TritonException(TritonCode.CANCELLED, "Request timeout expired"), true));
                }
            }
        }
    }

    private void timeOut(ScheduledRequest pending) {
        observer.dequeued();
        if (pending.rejectAtDeadline()) {
            pending.refuse(TritonException.unavailable("Request timeout expired"), FailureReason.REJECTED);
        } else {
            pending.refuse(new TritonException(TritonCode.CANCELLED, "Request timeout expired"), FailureReason.CANCELED);
        }
    }

    /**
     * The batch to start now, taken off the queue, or null when the head should wait for more requests.
     * Requests are taken in order while they fit and their shapes match the first one's.
     */
    private List<ScheduledRequest> dueBatch(long now) {
        List<ScheduledRequest> candidates = new ArrayList<>();
        int total = 0;
        int preferredCount = 0;
        boolean canGrow = true;
        for (ScheduledRequest pending : queue) {
            boolean fits = candidates.size() < policy.maxRequestsPerBatch()
                    && (candidates.isEmpty() || total + pending.batchSize() <= policy.maxBatchSize())
                    && (candidates.isEmpty() || shapes.compatible(candidates.get(0).request(), pending.request()));
            if (!fits) {
                canGrow = false;
                break;
            }
            candidates.add(pending);
            total += pending.batchSize();
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
        } else if (!canGrow || now - queue.peekFirst().enqueuedNanos() >= policy.maxQueueDelayNanos()) {
            take = candidates.size();
        } else {
            return null;
        }
        List<ScheduledRequest> batch = new ArrayList<>(take);
        for (int i = 0; i < take; i++) {
            batch.add(queue.pollFirst());
        }
        return batch;
    }

    /** Wakes up at the earliest of: the head's batching delay, any request deadline. */
    private void armTimer(long now) {
        long wake = Long.MAX_VALUE;
        if (!queue.isEmpty() && (!idle.isEmpty() || !spare.isEmpty())) {
            wake = queue.peekFirst().enqueuedNanos() + policy.maxQueueDelayNanos();
        }
        for (ScheduledRequest pending : queue) {
            wake = Math.min(wake, pending.deadlineNanos());
        }
        for (ScheduledRequest pending : live) {
            if (!pending.isCancelled()) {
                wake = Math.min(wake, pending.deadlineNanos());
            }
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

    /** startsNow: the instance was idle; otherwise the batch waits in the instance until its running one returned. */
    private void run(ModelInstance instance, List<ScheduledRequest> batch, boolean startsNow) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("model '{}', instance '{}': {} {} request(s)", batch.get(0).request().modelName(),
                    instance.name(), startsNow ? "executing" : "handed, to execute next,", batch.size());
        }
        if (startsNow) {
            markStarted(batch, System.nanoTime());
        }
        CompletableFuture<ExecutionTimes> execution;
        try {
            execution = instance.execute(batch);
        } catch (RuntimeException e) {
            execution = CompletableFuture.failedFuture(e);
        }
        execution.whenComplete((times, error) -> executionEnded(instance, batch, times, error));
    }

    /** The batch's requests leave the queue (for the statistics and traces) as execute() starts on them. */
    private void markStarted(List<ScheduledRequest> batch, long started) {
        for (ScheduledRequest pending : batch) {
            observer.dequeued();
            pending.started(started);
            RequestTrace trace = pending.trace();
            if (trace != null) {
                trace.record(TraceActivity.COMPUTE_START, started);
            }
        }
    }

    /** execute() of {@code batch} on {@code instance} returned: counts it and gives the instance back. */
    private void executionEnded(ModelInstance instance, List<ScheduledRequest> batch, ExecutionTimes times,
                                Throwable error) {
        if (BatchNotStarted.isCause(error)) {
            returnToQueue(instance, batch);
            return;
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("model '{}', instance '{}': execute returned, {} request(s) released",
                    batch.get(0).request().modelName(), instance.name(), batch.size());
        }
        boolean neverStarted;
        synchronized (lock) {
            ArrayDeque<Running> held = running.get(instance);
            neverStarted = held != null && !held.isEmpty() && held.peekFirst().batch() != batch;
        }
        if (neverStarted) {
            // A batch waiting in its instance ended before it could start (its stub died): it still leaves
            // the queue as counted.
            markStarted(batch, System.nanoTime());
        }
        try {
            executionReturned(batch, times, error);
        } finally {
            requeueRescheduled(batch);
            List<ScheduledRequest> startsNext = giveBack(instance, batch);
            if (startsNext != null) {
                markStarted(startsNext, System.nanoTime());
            }
            schedule();
        }
    }

    /**
     * A batch its instance gave back before execute() started on it: its unanswered requests go back to the head
     * of the queue, in their order, for whichever instance is free next (a request answered meanwhile, by its
     * timeout, counts as executed without an execution).
     */
    private void returnToQueue(ModelInstance instance, List<ScheduledRequest> batch) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("model '{}', instance '{}': {} request(s) given back before they started, queued again",
                    batch.get(0).request().modelName(), instance.name(), batch.size());
        }
        List<ScheduledRequest> answered = new ArrayList<>();
        synchronized (lock) {
            for (int i = batch.size() - 1; i >= 0; i--) {
                ScheduledRequest pending = batch.get(i);
                pending.givenBack();
                if (pending.isFinished()) {
                    answered.add(pending);
                } else {
                    queue.addFirst(pending);
                }
            }
        }
        if (!answered.isEmpty()) {
            markStarted(answered, System.nanoTime());
            answered.forEach(pending -> pending.executionReturned(ExecutionTimes.NONE));
        }
        giveBack(instance, batch);
        schedule();
    }

    /**
     * Takes an ended batch off its instance. An instance left with nothing goes back to the idle ones; one whose
     * waiting batch starts now can take another again. Returns that batch, or null.
     */
    private List<ScheduledRequest> giveBack(ModelInstance instance, List<ScheduledRequest> batch) {
        synchronized (lock) {
            ArrayDeque<Running> held = running.get(instance);
            boolean wasRunning = held != null && !held.isEmpty() && held.peekFirst().batch() == batch;
            if (held != null) {
                held.removeIf(entry -> entry.batch() == batch);
            }
            if (held == null || held.isEmpty()) {
                running.remove(instance);
                spare.remove(instance);
                // The instance that just finished takes the next batch (last in, first out): its caches
                // (a stub's process, its Python and JIT code) are warm, and under light load the others
                // sleep. Rotating through three stubs at one request at a time cost each request 40-100%
                // more stub CPU. One that could not start at once (a stub being restarted) goes last.
                if (instance.canRunNow()) {
                    idle.addFirst(instance);
                } else {
                    idle.addLast(instance);
                }
                return null;
            }
            if (!spare.contains(instance) && instance.queuesNextBatch()) {
                spare.addLast(instance);
            }
            if (!wasRunning) {
                return null;
            }
            // The batch that waited in the instance started as this one returned.
            held.addFirst(new Running(held.pollFirst().batch(), System.nanoTime()));
            return held.peekFirst().batch();
        }
    }

    /**
     * Starts a request at once on an idle instance the caller runs itself (an in-process BLS call running the
     * called model's execute() on the calling thread), when it would start at once anyway: the scheduler is
     * open, nothing is queued, the first idle instance (the one {@link #schedule} would pick) is {@code
     * runsHere}, and no timeout or batching delay applies to the request. It is accepted, counted and answered
     * exactly like a submitted one; the caller reports execute()'s return through {@link ImmediateRun#finish}.
     *
     * @return the run, or null when the request is to be {@link #submit submitted} instead
     */
    @Override
    public ImmediateRun startAtOnce(InferenceRequest request, int batchSize, ResponseSink sink,
                                    Predicate<ModelInstance> runsHere) {
        if (request.timeoutMicros() > 0 || (policy.isDynamic() && policy.queueTimeoutMicros(request) > 0)
                || !startsAlone(batchSize)) {
            return null;
        }
        long now = System.nanoTime();
        ScheduledRequest scheduled = newScheduled(request, batchSize, sink, now, null);
        List<ScheduledRequest> alone = List.of(scheduled); // one object: executionEnded finds it by identity
        ModelInstance instance;
        synchronized (lock) {
            instance = idle.peekFirst();
            if (closed || !queue.isEmpty() || instance == null || !runsHere.test(instance)) {
                return null;
            }
            idle.pollFirst();
            live.add(scheduled);
            scheduled.takenBy(instance);
            running.computeIfAbsent(instance, key -> new ArrayDeque<>(1)).addLast(new Running(alone, now));
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("model '{}', instance '{}': executing 1 request(s) on its caller's thread",
                    request.modelName(), instance.name());
        }
        observer.queued();
        observer.dequeued();
        scheduled.started(now);
        return new ImmediateRun(scheduled, instance, () -> {
            scheduled.abandon();
            schedule();
        }, times -> executionEnded(instance, alone, times, null));
    }

    /** Whether a request of this batch size alone forms a batch due at once (see {@link #dueBatch}). */
    private boolean startsAlone(int batchSize) {
        return policy.maxQueueDelayNanos() == 0 || batchSize >= policy.maxBatchSize()
                || policy.maxRequestsPerBatch() <= 1 || policy.preferredBatchSizes().contains(batchSize);
    }

    /**
     * Whether every instance is busy with an execute() that made no progress for longer than {@code limitNanos}:
     * it has not returned, and no request of its batch got an answer (a timeout's included) in that time. Such
     * a model reports not ready (the in-process twin of a hung stub, which is killed after the same limit).
     */
    public boolean allInstancesStuck(long limitNanos) {
        List<Running> busy;
        synchronized (lock) {
            if (!idle.isEmpty() || running.isEmpty()) {
                return false;
            }
            busy = running.values().stream().map(ArrayDeque::peekFirst).toList();
        }
        long now = System.nanoTime();
        for (Running batch : busy) {
            if (now - batch.lastProgressNanos() <= limitNanos) {
                return false;
            }
        }
        return true;
    }

    private record Running(List<ScheduledRequest> batch, long startedNanos) {
        long lastProgressNanos() {
            long last = startedNanos;
            for (ScheduledRequest pending : batch) {
                long answered = pending.lastResponseNanos();
                if (answered != Long.MIN_VALUE && answered - last > 0) {
                    last = answered;
                }
            }
            return last;
        }
    }

    /** Requests the model released for another execution go back to the end of the queue. */
    private void requeueRescheduled(List<ScheduledRequest> batch) {
        for (ScheduledRequest pending : batch) {
            if (pending.takeReschedule()) {
                synchronized (lock) {
                    queue.addLast(pending);
                }
                observer.queued();
            }
        }
    }

    /** execute() returned: counts the execution; an instance that broke fails the requests it left open. */
    private void executionReturned(List<ScheduledRequest> batch, ExecutionTimes times, Throwable error) {
        int batchSize = batch.stream().mapToInt(ScheduledRequest::batchSize).sum();
        if (error != null) {
            Throwable cause = error instanceof java.util.concurrent.CompletionException ? error.getCause() : error;
            TritonException failure = cause instanceof TritonException triton ? triton
                    : TritonException.internal("model execution failed: " + cause);
            times = ExecutionTimes.NONE;
            for (ScheduledRequest pending : batch) {
                pending.fail(failure, true);
            }
        }
        for (ScheduledRequest pending : batch) {
            pending.traceCompute(times);
            pending.executionReturned(times);
        }
        // Counted after its requests: those already answered count as inferences now, so a statistics reader
        // who sees the execution also sees its inferences (Triton reports both at once).
        observer.executed(batchSize, times.computeInputNanos(), times.computeInferNanos(), times.computeOutputNanos());
    }

    /** Answers every open request (queued, running or streaming) with this final error, as shutdown's last word. */
    void failAll(TritonException error) {
        List<ScheduledRequest> open;
        Set<ScheduledRequest> queued;
        synchronized (lock) {
            closed = true;
            open = new ArrayList<>(live);
            queued = new HashSet<>(queue);
            queue.clear();
        }
        for (ScheduledRequest pending : open) {
            if (queued.contains(pending)) {
                observer.dequeued();
                pending.refuse(error, FailureReason.REJECTED);
            } else {
                pending.fail(error, true);
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
                if (live.isEmpty()) {
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
