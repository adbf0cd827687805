package dev.jepserve.http;

import dev.jepserve.http.endpoints.MetricsEndpoint;
import dev.jepserve.http.transport.Endpoint;
import dev.jepserve.http.transport.HttpReplies;
import dev.jepserve.http.transport.Router;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The metrics port, as Triton answers it: {@code GET /metrics} and {@code /metrics/} scrape, any other GET
 * path is 200 with an empty body, and every other method is 405.
 */
public final class MetricsRoutes {
    private MetricsRoutes() {
    }

    public static Router create(Supplier<String> scrape) {
        Endpoint metrics = new MetricsEndpoint(scrape);
        Endpoint empty = request -> CompletableFuture.completedFuture(
                HttpReplies.text(HttpResponseStatus.OK, HttpReplies.TEXT_PLAIN_UTF8, ""));
        return Router.builder()
                .exact(HttpMethod.GET, "/metrics", metrics)
                .exact(HttpMethod.GET, "/metrics/", metrics)
                .pattern(HttpMethod.GET, ".*", empty)
                .build();
    }
}
