package dev.jepserve.http.endpoints;

import dev.jepserve.config.ModelConfigJson;
import dev.jepserve.http.transport.Endpoint;
import dev.jepserve.http.transport.EndpointRequest;
import dev.jepserve.http.transport.HttpReplies;
import dev.jepserve.inference.InferenceService;
import dev.jepserve.inference.ServedModel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** {@code GET /v2/models/{m}[/versions/{v}]/config}: the normalized config as Triton's JSON, no wrapper. */
public final class ModelConfigEndpoint implements Endpoint {
    private final InferenceService service;

    public ModelConfigEndpoint(InferenceService service) {
        this.service = service;
    }

    @Override
    public CompletionStage<FullHttpResponse> handle(EndpointRequest request) {
        ServedModel model = service.model(request.param("model"), request.param("version"));
        String json = ModelConfigJson.toJson(model.config());
        return CompletableFuture.completedFuture(HttpReplies.json(HttpResponseStatus.OK, json));
    }
}
