package dev.jepserve.inference;

import java.util.concurrent.CompletableFuture;

/**
 * Adapts the response sink to a future for callers that want exactly one answer (unary HTTP and gRPC on
 * non-decoupled models): completes with the first response or error; cancelling the future cancels the
 * request. Later responses are ignored.
 */
public final class SingleResponseFuture extends CompletableFuture<InferenceResponse> implements ResponseSink {
    private volatile RequestHandle handle = RequestHandle.NONE;

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
        SingleResponseFuture future = new SingleResponseFuture();
        future.handle = submitter.apply(future);
        if (future.isCancelled()) {
            future.handle.cancel();
        }
        return future;
    }

    @Override
    public void send(InferenceResponse response, boolean isFinal) {
        if (response != null) {
            complete(response);
        } else if (isFinal) {
            completeExceptionally(TritonException.internal("the model sent no response for the request"));
        }
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
