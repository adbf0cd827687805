package dev.jepserve.http.endpoints;

import dev.jepserve.http.codec.JsonSupport;
import dev.jepserve.http.transport.Endpoint;
import dev.jepserve.http.transport.EndpointRequest;
import dev.jepserve.http.transport.HttpReplies;
import dev.jepserve.inference.InferenceService;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** {@code GET /v2}: {@code {"name":..,"version":..,"extensions":[..]}} in that member order. */
public final class ServerMetadataEndpoint implements Endpoint {
    private final InferenceService service;

    public ServerMetadataEndpoint(InferenceService service) {
        this.service = service;
    }

    @Override
    public CompletionStage<FullHttpResponse> handle(EndpointRequest request) {
        byte[] json = JsonSupport.write(gen -> {
            gen.writeStartObject();
            gen.writeStringField("name", service.serverName());
            gen.writeStringField("version", service.serverVersion());
            gen.writeArrayFieldStart("extensions");
            for (String extension : service.extensions()) {
                gen.writeString(extension);
            }
            gen.writeEndArray();
            gen.writeEndObject();
        });
        return CompletableFuture.completedFuture(HttpReplies.json(HttpResponseStatus.OK, json));
    }
}
