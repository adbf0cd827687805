package dev.jepserve.inference;

import java.util.concurrent.CompletableFuture;

/**
 * Adapts the response sink to a future for callers that want exactly one answer (unary HTTP and gRPC on
 * non-decoupled models): completes with the first response or error; cancelling the future cancels the
 * request. Later responses are ignored.
 */
public final class SingleResponseFuture extends CompletableFuture<InferenceResponse> implements ResponseSink {
    private volatile RequestHandle handle = RequestHandle.NONE;
    /** Whoever reads the future releases the response ({@link ResponseSink#releasesOutputs()}). */
    private final boolean releasing;

    private SingleResponseFuture(boolean releasing) {
        this.releasing = releasing;
    }

    /**
     * Like {@link #submit(ServedModel, InferenceRequest, RequestTrace)}, for a caller that calls
     * {@link InferenceResponse#release()} on the response it gets once it has written it out: the outputs may
     * then be views of a stub's shared memory (no copy). A response this future does not pass on (it was
     * cancelled, or had its answer) is released here.
     */
    public static SingleResponseFuture submitReleasing(ServedModel model, InferenceRequest request,
                                                       RequestTrace trace) {
        SingleResponseFuture future = new SingleResponseFuture(true);
        future.handle = trace == null ? model.infer(request, future) : model.infer(request, future, trace);
        if (future.isCancelled()) {
            future.handle.cancel();
        }
        return future;
    }

    /** Submits the request to the model and returns the future of its one answer. */
    public static SingleResponseFuture submit(ServedModel model, InferenceRequest request) {
        return of(sink -> model.infer(request, sink));
    }

    /** {@link #submit(ServedModel, InferenceRequest)} for a request that may be traced (null: not traced). */
    public static SingleResponseFuture submit(ServedModel model, InferenceRequest request, RequestTrace trace) {
        return trace == null ? submit(model, request) : of(sink -> model.infer(request, sink, trace));
    }

    /** Submits through {@code submitter} (given this future as the sink) and returns the future. */
    public static SingleResponseFuture of(java.util.function.Function<ResponseSink, RequestHandle> submitter) {
        SingleResponseFuture future = new SingleResponseFuture(false);
        future.handle = submitter.apply(future);
        if (future.isCancelled()) {
            future.handle.cancel();
        }
        return future;
    }

    @Override
    public void send(InferenceResponse response, boolean isFinal) {
        if (response != null) {
            if (!complete(response) && releasing) {
                response.release();
            }
        } else if (isFinal) {
            completeExceptionally(TritonException.internal("the model sent no response for the request"));
        }
    }

    @Override
    public boolean releasesOutputs() {
        return releasing;
    }

    @Override
    public void fail(TritonException error, boolean isFinal) {
        completeExceptionally(error);
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        handle.cancel();
        return cancelled;
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CompletableFuture<>();
    }
}
