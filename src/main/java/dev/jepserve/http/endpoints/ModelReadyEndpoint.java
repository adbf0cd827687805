package dev.jepserve.http.endpoints;

import dev.jepserve.http.transport.Endpoint;
import dev.jepserve.http.transport.EndpointRequest;
import dev.jepserve.http.transport.HttpReplies;
import dev.jepserve.inference.InferenceService;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.concurrent.CompletionStage;

/**
 * {@code GET /v2/models/{m}[/versions/{v}]/ready}: 200 with no body when ready (its own {@code is_ready()}
 * included). Otherwise the lookup's own error (404 unknown model or version), or 400 "Model version not ready".
 */
public final class ModelReadyEndpoint implements Endpoint {
    private final InferenceService service;

    public ModelReadyEndpoint(InferenceService service) {
        this.service = service;
    }

    @Override
    public CompletionStage<FullHttpResponse> handle(EndpointRequest request) {
        String name = request.param("model");
        String version = request.param("version");
        // Throws Triton's 404 for unknown models and versions; the model's own is_ready() runs off the event loop.
        return service.modelReadiness(name, version).thenApply(ready -> ready
                ? HttpReplies.empty(HttpResponseStatus.OK) : HttpReplies.error(400, "Model version not ready"));
    }
}
