package dev.jepserve.inference;

import java.util.function.Consumer;

/**
 * A request a scheduler started at once on an instance its caller runs itself ({@link
 * QueueScheduler#startAtOnce}): the instance is reserved for it, and the request is accepted, timed and answered
 * as any other. The caller runs the instance's execute(), answers through {@link #request()}, then reports
 * the return with {@link #finish} exactly once, which gives the instance back.
 */
public final class ImmediateRun {
    private final ScheduledRequest request;
    private final ModelInstance instance;
    private final RequestHandle handle;
    private final Consumer<ExecutionTimes> finished;

    ImmediateRun(ScheduledRequest request, ModelInstance instance, RequestHandle handle,
                 Consumer<ExecutionTimes> finished) {
        this.request = request;
        this.instance = instance;
        this.handle = handle;
        this.finished = finished;
    }

    public ScheduledRequest request() {
        return request;
    }

    /** The reserved instance, which only this run's caller may execute on until {@link #finish}. */
    public ModelInstance instance() {
        return instance;
    }

    /** Cancels the request (is_cancelled() turns true), as a submitted request's handle does. */
    public RequestHandle handle() {
        return handle;
    }

    /** execute() returned, taking these times: counts the execution and frees the instance. */
    public void finish(ExecutionTimes times) {
        finished.accept(times);
    }
}
