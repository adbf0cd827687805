package dev.jepserve.http.endpoints;

import dev.jepserve.http.codec.GenerateResponseEncoder;
import dev.jepserve.http.codec.JsonSupport;
import dev.jepserve.http.codec.ServerSentEvents;
import dev.jepserve.http.transport.EndpointRequest;
import dev.jepserve.http.transport.ResponseStream;
import dev.jepserve.inference.InferenceResponse;
import dev.jepserve.inference.ResponseSink;
import dev.jepserve.inference.TritonException;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.util.concurrent.CompletableFuture;

/**
 * Writes the answers to one generate_stream request as server-sent events: each response one
 * {@code data: {...}} event, each error one {@code data: {"error":"..."}} event, the end of the body at the final
 * flag (an empty final response adds no event). The HTTP status is that of the first answer, so errors after a
 * response arrive under 200, as in Triton.
 *
 * <p>Answers are encoded in arrival order, each on the event loop or, when large, on the offload pool; a chain
 * of futures keeps their events in order. A request refused outright (a final error before anything else, on the
 * submitting thread while it is being submitted) is left to the endpoint to answer with a plain JSON error.
 */
final class EventStreamSink implements ResponseSink {
    private final EndpointRequest request;
    private final ResponseStream stream;
    /** The thread that submits the request: a final error on it before submit returned is a refusal. */
    private final Thread submitter = Thread.currentThread();
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);
    private boolean submitted;
    private boolean answered;
    private boolean started;
    private TritonException refusal;

    EventStreamSink(EndpointRequest request) {
        this.request = request;
        this.stream = request.stream();
    }

    /** Called once the request is submitted: the reply, streamed, or a plain error when it was refused. */
    synchronized CompletableFuture<FullHttpResponse> accepted() {
        submitted = true;
        return refusal != null ? CompletableFuture.failedFuture(refusal) : stream.done();
    }

    @Override
    public synchronized void send(InferenceResponse response, boolean isFinal) {
        answered = true;
        if (response != null) {
            enqueue(() -> GenerateResponseEncoder.encode(response), GenerateResponseEncoder.workEstimate(response),
                    HttpResponseStatus.OK);
        }
        if (isFinal) {
            end();
        }
    }

    @Override
    public synchronized void fail(TritonException error, boolean isFinal) {
        // A fast model may fail on its own thread before submit returned: that is an answer, not a refusal.
        if (!submitted && !answered && isFinal && Thread.currentThread() == submitter) {
            refusal = error;
            return;
        }
        answered = true;
        enqueue(() -> JsonSupport.errorJson(error.getMessage()), 0,
                HttpResponseStatus.valueOf(error.code().httpStatus()));
        if (isFinal) {
            end();
        }
    }

    /** Encodes one event after the ones before it, then writes it (starting the reply with the first). */
    private void enqueue(EventJson json, long work, HttpResponseStatus statusIfFirst) {
        tail = tail.thenCompose(previous -> request.offload().<Void>run(work, request.eventLoop(), () -> {
            byte[] text;
            try {
                text = json.encode();
            } catch (RuntimeException encodingFailed) {
                String message = encodingFailed.getMessage() != null ? encodingFailed.getMessage()
                        : "failed to encode the response";
                text = JsonSupport.errorJson(message);
            }
            startOnce(statusIfFirst);
            stream.send(ServerSentEvents.event(text, request.alloc()));
            return null;
        })).exceptionally(failure -> null); // a refused offload drops that event; the stream still ends
    }

    private void end() {
        tail = tail.thenRun(() -> {
            startOnce(HttpResponseStatus.OK);
            stream.finish();
        });
    }

    /** Runs in the chain only, so never twice at once. */
    private void startOnce(HttpResponseStatus status) {
        if (started) {
            return;
        }
        started = true;
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, ServerSentEvents.CONTENT_TYPE);
        stream.start(head);
    }

    @FunctionalInterface
    private interface EventJson {
        byte[] encode();
    }
}
