package dev.jepserve.inference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Consumer;

/**
 * A request the scheduler accepted, from the queue until its final answer: its timing and deadline, the
 * sink its answers go to, and the accounting of its outcome. A model instance answers it through
 * {@link #send} and {@link #fail}; those enforce "nothing after the final answer" and tell the observer.
 *
 * <p>Its outcome is counted once both happened: the final answer was sent, and the execute() call that ran
 * it returned (its compute times are known then). A decoupled model may answer after execute returned; a
 * non-decoupled one usually before.
 */
public final class ScheduledRequest {
    private static final Logger LOG = LoggerFactory.getLogger(ScheduledRequest.class);

    private final InferenceRequest request;
    private final int batchSize;
    private final long enqueuedNanos;
    private final long deadlineNanos;
    private final boolean rejectAtDeadline;
    private final ResponseSink sink;
    private final InferenceObserver observer;
    private final Consumer<ScheduledRequest> onFinished;
    /** Null unless this request is sampled for tracing. */
    private final RequestTrace trace;
    private final OutputContract contract;
    private volatile boolean timedOut;
    private volatile boolean abandoned;
    /** The model released it for another execution (TRITONSERVER_REQUEST_RELEASE_RESCHEDULE). */
    private volatile boolean reschedule;

    // Guarded by this.
    private boolean finalSent;
    private boolean anyResponse;
    private int responseCount;
    private long lastResponseNanos;
    private boolean succeeded;
    private long finishedNanos;
    private long startedNanos;
    private ExecutionTimes times;
    private boolean counted;
    /** An execution that reads this request's inputs is under way (from started to executionReturned). */
    private boolean executing;
    private boolean inputsReleased;
    /** Times of the requests this one was made of (an ensemble's steps), added when it is counted. */
    private long composingQueueNanos;
    private ExecutionTimes composingTimes = ExecutionTimes.NONE;

    /**
     * @param deadlineNanos when the request's timeout expires (System.nanoTime), or Long.MAX_VALUE for none
     * @param rejectAtDeadline at the deadline a queued request is rejected (a queue-policy timeout), not cancelled
     * @param onFinished    runs once, after the final answer was handed to the sink
     * @param trace         the request's trace when it is sampled, else null
     * @param contract      what each response must hold; a response that breaks it fails the request instead
     */
    ScheduledRequest(InferenceRequest request, int batchSize, long enqueuedNanos, long deadlineNanos,
                     boolean rejectAtDeadline, ResponseSink sink, InferenceObserver observer,
                     Consumer<ScheduledRequest> onFinished, RequestTrace trace, OutputContract contract) {
        this.trace = trace;
        this.contract = contract;
        this.request = request;
        this.batchSize = batchSize;
        this.enqueuedNanos = enqueuedNanos;
        this.deadlineNanos = deadlineNanos;
        this.rejectAtDeadline = rejectAtDeadline;
        this.sink = sink;
        this.observer = observer;
        this.onFinished = onFinished;
    }

    public InferenceRequest request() {
        return request;
    }

    /** The request's trace, or null when it is not sampled. */
    RequestTrace trace() {
        return trace;
    }

    /** Records the compute stages of the execute() call that ran this request (sampled requests only). */
    void traceCompute(ExecutionTimes times) {
        if (trace == null) {
            return;
        }
        long started;
        synchronized (this) {
            started = startedNanos;
        }
        long inputEnd = started + times.computeInputNanos();
        long outputStart = inputEnd + times.computeInferNanos();
        trace.record(TraceActivity.COMPUTE_INPUT_END, inputEnd);
        trace.record(TraceActivity.COMPUTE_OUTPUT_START, outputStart);
        trace.record(TraceActivity.COMPUTE_END, outputStart + times.computeOutputNanos());
    }

    private void traceEnd() {
        if (trace != null) {
            trace.record(TraceActivity.REQUEST_END, System.nanoTime());
        }
    }

    int batchSize() {
        return batchSize;
    }

    long enqueuedNanos() {
        return enqueuedNanos;
    }

    long deadlineNanos() {
        return deadlineNanos;
    }

    boolean rejectAtDeadline() {
        return rejectAtDeadline;
    }

    /** What the model sees through is_cancelled(): the client left, or the request's timeout expired. */
    public boolean isCancelled() {
        return timedOut || abandoned;
    }

    /** The client went away: nobody reads the answers any more. */
    boolean abandoned() {
        return abandoned;
    }

    void abandon() {
        abandoned = true;
    }

    void markTimedOut() {
        timedOut = true;
    }

    /** Execute it again once the execution running it returned, instead of waiting for its answer. */
    public void rescheduleAfterExecution() {
        reschedule = true;
    }

    /** Whether it is to be executed again; clears the mark. */
    boolean takeReschedule() {
        boolean marked = reschedule;
        reschedule = false;
        return marked && !isFinished();
    }

    /** Adds a composing request's (an ensemble step's) queue and compute times to this request's, before its final answer. */
    public synchronized void addComposingTimes(long queueNanos, ExecutionTimes times) {
        composingQueueNanos += queueNanos;
        composingTimes = new ExecutionTimes(composingTimes.computeInputNanos() + times.computeInputNanos(),
                composingTimes.computeInferNanos() + times.computeInferNanos(),
                composingTimes.computeOutputNanos() + times.computeOutputNanos());
    }

    /**
     * Whether this request's sink releases responses ({@link ResponseSink#releasesOutputs()}), so a backend may
     * answer with outputs borrowed from shared memory instead of copies.
     */
    public boolean sinkReleasesOutputs() {
        return sink.releasesOutputs();
    }

    public synchronized boolean isFinished() {
        return finalSent;
    }

    /**
     * Sends one response (null: an empty final response).
     *
     * @return false when the request already had its final answer (nothing is sent)
     */
    public boolean send(InferenceResponse response, boolean isFinal) {
        if (response != null) {
            try {
                response = contract.check(request, response);
            } catch (TritonException broken) {
                response.release();
                return fail(broken, isFinal);
            }
        }
        if (!record(response == null ? ResponseKind.EMPTY : ResponseKind.SUCCESS, isFinal)) {
            if (response != null) {
                response.release();
            }
            return false;
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("[request id: {}] model '{}': {} response sent, outputs {}", idForLog(), request.modelName(),
                    isFinal ? "final" : "non-final", response == null ? "[]" : response.outputs());
        }
        if (trace != null) {
            trace.record(TraceActivity.INFER_RESPONSE_COMPLETE, System.nanoTime());
            if (response != null) {
                trace.responded(response);
            }
        }
        sink.send(response, isFinal);
        finishIfFinal(isFinal);
        return true;
    }

    /** Sends an error response; see {@link #send}. */
    public boolean fail(TritonException error, boolean isFinal) {
        boolean cancelled = error.code() == TritonCode.CANCELLED || isCancelled();
        if (!record(cancelled ? ResponseKind.CANCEL : ResponseKind.FAIL, isFinal)) {
            return false;
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("[request id: {}] model '{}': error response sent: {}", idForLog(), request.modelName(),
                    firstLine(error.getMessage()));
        }
        if (isFinal) {
            countIfComplete(); // a failure needs no compute times: counted before the client hears of it
        }
        sink.fail(error, isFinal);
        if (isFinal) {
            onFinished.accept(this);
        }
        return true;
    }

    private static String firstLine(String message) {
        int end = message == null ? -1 : message.indexOf('\n');
        return end < 0 ? String.valueOf(message) : message.substring(0, end);
    }

    /** The id as Triton's verbose lines show it: {@code <id_unknown>} when the client gave none. */
    private String idForLog() {
        return request.id() == null || request.id().isEmpty() ? "<id_unknown>" : request.id();
    }

    /** Records a response before it goes out; counts the first one and each one's kind. */
    private boolean record(ResponseKind kind, boolean isFinal) {
        boolean first;
        int index;
        long sincePrevious;
        long now = System.nanoTime();
        synchronized (this) {
            if (finalSent) {
                return false;
            }
            first = !anyResponse;
            anyResponse = true;
            index = responseCount++;
            sincePrevious = now - (first ? startedNanos : lastResponseNanos);
            lastResponseNanos = now;
            if (isFinal) {
                finalSent = true;
                succeeded = kind == ResponseKind.SUCCESS || kind == ResponseKind.EMPTY;
                finishedNanos = now;
            }
        }
        if (isFinal) {
            releaseInputsIfDone();
        }
        if (first) {
            observer.firstResponse(now - enqueuedNanos);
        }
        observer.responded(index, kind, sincePrevious);
        return true;
    }

    private void finishIfFinal(boolean isFinal) {
        if (isFinal) {
            countIfComplete();
            onFinished.accept(this);
        }
    }

    /** When the last answer went out (System.nanoTime), or Long.MIN_VALUE before the first. */
    synchronized long lastResponseNanos() {
        return anyResponse ? lastResponseNanos : Long.MIN_VALUE;
    }

    /** The request was handed to an instance at this time. */
    synchronized void started(long nanos) {
        startedNanos = nanos;
    }

    /**
     * The scheduler took it for an execution on this instance (under the scheduler's lock, so a final answer
     * from a timer cannot give the inputs back before the instance read them).
     */
    void takenBy(ModelInstance instance) {
        if (!instance.copiesInputs()) {
            request.memory().keep();
        }
        synchronized (this) {
            executing = true;
        }
    }

    /** Its instance gave it back before execute() started on it ({@link BatchNotStarted}): it is queued again. */
    void givenBack() {
        synchronized (this) {
            executing = false;
        }
    }

    /** The execute() call that ran this request returned. */
    void executionReturned(ExecutionTimes executionTimes) {
        synchronized (this) {
            times = executionTimes;
            executing = false;
        }
        releaseInputsIfDone();
        countIfComplete();
    }

    /**
     * Gives the inputs' pooled memory back once nothing reads them: the final answer went out and no execution
     * is under way (a stub instance copies the inputs before its execution returns; a timed-out request can get
     * its final answer while that copy still runs).
     */
    private void releaseInputsIfDone() {
        synchronized (this) {
            if (inputsReleased || !finalSent || executing) {
                return;
            }
            inputsReleased = true;
        }
        request.memory().release();
    }

    /** Tells the observer the outcome once the final answer went out and (for a started request) execute returned. */
    private void countIfComplete() {
        boolean success;
        long requestNanos;
        long queueNanos;
        ExecutionTimes executionTimes;
        boolean traceEnd;
        synchronized (this) {
            if (counted || !finalSent || (succeeded && times == null)) {
                return;
            }
            counted = true;
            success = succeeded;
            traceEnd = trace != null;
            requestNanos = finishedNanos - enqueuedNanos;
            queueNanos = startedNanos - enqueuedNanos + composingQueueNanos;
            executionTimes = success ? new ExecutionTimes(
                    times.computeInputNanos() + composingTimes.computeInputNanos(),
                    times.computeInferNanos() + composingTimes.computeInferNanos(),
                    times.computeOutputNanos() + composingTimes.computeOutputNanos()) : times;
        }
        if (success) {
            observer.succeeded(batchSize, requestNanos, queueNanos, executionTimes.computeInputNanos(),
                    executionTimes.computeInferNanos(), executionTimes.computeOutputNanos());
            if (sink instanceof StepTimesListener listener) {
                listener.counted(queueNanos, executionTimes);
            }
        } else {
            observer.failed(isCancelled() ? FailureReason.CANCELED : FailureReason.BACKEND, requestNanos);
        }
        if (traceEnd) {
            traceEnd();
        }
    }

    /**
     * Answers a request that never ran (timed out or rejected in the queue, or abandoned) and counts it with
     * this reason.
     */
    void refuse(TritonException error, FailureReason reason) {
        long now = System.nanoTime();
        synchronized (this) {
            if (finalSent) {
                return;
            }
            finalSent = true;
            counted = true;
        }
        releaseInputsIfDone();
        observer.failed(reason, now - enqueuedNanos);
        traceEnd();
        sink.fail(error, true);
        onFinished.accept(this);
    }
}
