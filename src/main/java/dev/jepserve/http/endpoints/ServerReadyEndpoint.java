package dev.jepserve.http.endpoints;

import dev.jepserve.http.transport.Endpoint;
import dev.jepserve.http.transport.EndpointRequest;
import dev.jepserve.http.transport.HttpReplies;
import dev.jepserve.inference.InferenceService;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.concurrent.CompletionStage;

/**
 * {@code GET /v2/health/ready}: 200 when ready, else 400; never a body. Asynchronous: with strict readiness it
 * asks the models' own is_ready() (off the event loop).
 */
public final class ServerReadyEndpoint implements Endpoint {
    private final InferenceService service;

    public ServerReadyEndpoint(InferenceService service) {
        this.service = service;
    }

    @Override
    public CompletionStage<FullHttpResponse> handle(EndpointRequest request) {
        return service.readiness().exceptionally(error -> false).thenApply(ready ->
                HttpReplies.empty(ready ? HttpResponseStatus.OK : HttpResponseStatus.BAD_REQUEST));
    }
}
