package dev.jepserve.http.endpoints;

import dev.jepserve.inference.InferenceResponse;
import dev.jepserve.inference.RequestHandle;
import dev.jepserve.inference.ResponseSink;
import dev.jepserve.inference.TritonException;

import java.util.concurrent.CompletableFuture;

/**
 * Collects the answers to a generate request, which must be exactly one response: completes with it once the
 * final flag arrives, or fails with the first error, or with Triton's "exactly 1 response" error when there were
 * none or more than one (the request is cancelled at the second, nothing more is wanted from it).
 */
final class OneResponseSink implements ResponseSink {
    static final String EXACTLY_ONE = "generate expects model to produce exactly 1 response, use generate stream "
            + "for model that generates various number of responses";

    private final CompletableFuture<InferenceResponse> result = new CompletableFuture<>();
    private volatile RequestHandle handle = RequestHandle.NONE;
    private InferenceResponse response;
    private TritonException error;
    private int responses;

    CompletableFuture<InferenceResponse> result() {
        return result;
    }

    /** The submitted request's handle, to cancel it at a second response. */
    void attach(RequestHandle submitted) {
        handle = submitted;
    }

    @Override
    public synchronized void send(InferenceResponse sent, boolean isFinal) {
        if (sent != null) {
            responses++;
            if (responses == 1) {
                response = sent;
            } else if (error == null) {
                error = TritonException.invalidArg(EXACTLY_ONE);
                handle.cancel();
            }
        }
        if (isFinal) {
            complete();
        }
    }

    @Override
    public synchronized void fail(TritonException failure, boolean isFinal) {
        if (error == null) {
            error = failure;
        }
        if (isFinal) {
            complete();
        }
    }

    private void complete() {
        if (error != null) {
            result.completeExceptionally(error);
        } else if (response == null) {
            result.completeExceptionally(TritonException.invalidArg(EXACTLY_ONE));
        } else {
            result.complete(response);
        }
    }
}
