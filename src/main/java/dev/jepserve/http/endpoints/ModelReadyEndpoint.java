package dev.jepserve.http.endpoints;

import dev.jepserve.http.transport.Endpoint;
import dev.jepserve.http.transport.EndpointRequest;
import dev.jepserve.http.transport.HttpReplies;
import dev.jepserve.inference.InferenceService;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code GET /v2/models/{m}[/versions/{v}]/ready}: 200 with no body when ready. Otherwise the lookup's own
 * error (404 unknown model or version, 503 version not ready), or 400 "Model version not ready".
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
        if (service.isModelReady(name, version)) {
            return CompletableFuture.completedFuture(HttpReplies.empty(HttpResponseStatus.OK));
        }
        service.model(name, version); // throws Triton's 404/503 for unknown or unavailable versions
        return CompletableFuture.completedFuture(HttpReplies.error(400, "Model version not ready"));
    }
}
