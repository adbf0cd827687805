package dev.jepserve.http.endpoints;

import dev.jepserve.http.transport.Endpoint;
import dev.jepserve.http.transport.EndpointRequest;
import dev.jepserve.http.transport.HttpReplies;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;

/** {@code /v2/health/live} and {@code /v2/health/ready}: 200 when the check holds, else 400; never a body. */
public final class HealthEndpoint implements Endpoint {
    private final BooleanSupplier check;

    public HealthEndpoint(BooleanSupplier check) {
        this.check = check;
    }

    @Override
    public CompletionStage<FullHttpResponse> handle(EndpointRequest request) {
        boolean healthy;
        try {
            healthy = check.getAsBoolean();
        } catch (RuntimeException e) {
            healthy = false;
        }
        return CompletableFuture.completedFuture(
                HttpReplies.empty(healthy ? HttpResponseStatus.OK : HttpResponseStatus.BAD_REQUEST));
    }
}
