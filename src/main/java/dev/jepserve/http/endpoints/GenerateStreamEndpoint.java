package dev.jepserve.http.endpoints;

import dev.jepserve.http.transport.Endpoint;
import dev.jepserve.http.transport.EndpointRequest;
import dev.jepserve.inference.InferenceService;
import dev.jepserve.inference.RequestHandle;
import io.netty.handler.codec.http.FullHttpResponse;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code POST /v2/models/{m}[/versions/{v}]/generate_stream}: the generate extension as server-sent events, one
 * {@code data:} event per response, for decoupled and non-decoupled models alike (see {@link EventStreamSink}).
 * A request refused before it runs gets an ordinary JSON error reply; closing the connection cancels it.
 */
public final class GenerateStreamEndpoint implements Endpoint {
    private final GenerateRequests requests;

    public GenerateStreamEndpoint(InferenceService service, int maxInputSize) {
        this.requests = new GenerateRequests(service, maxInputSize);
    }

    @Override
    public CompletionStage<FullHttpResponse> handle(EndpointRequest request) {
        GenerateRequests.Prepared prepared = requests.prepare(request);
        return prepared.request().thenCompose(inferenceRequest -> {
            EventStreamSink sink = new EventStreamSink(request);
            RequestHandle handle = prepared.model().infer(inferenceRequest, sink);
            CompletableFuture<FullHttpResponse> reply = sink.accepted();
            GenerateRequests.cancelOnClose(request, handle, reply);
            return reply;
        });
    }
}
