package dev.jepserve.http.endpoints;

import dev.jepserve.http.transport.Endpoint;
import dev.jepserve.http.transport.EndpointRequest;
import dev.jepserve.http.transport.HttpReplies;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * {@code GET /metrics}: the Prometheus text exposition from {@code scrape}, as {@code text/plain; charset=utf-8}.
 * The scrape is plain Java string building (it never enters Python), so it runs on the event loop. A failing
 * scrape answers 400 with no body, as Triton does.
 */
public final class MetricsEndpoint implements Endpoint {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsEndpoint.class);

    private final Supplier<String> scrape;

    public MetricsEndpoint(Supplier<String> scrape) {
        this.scrape = scrape;
    }

    @Override
    public CompletionStage<FullHttpResponse> handle(EndpointRequest request) {
        FullHttpResponse reply;
        try {
            reply = HttpReplies.text(HttpResponseStatus.OK, HttpReplies.TEXT_PLAIN_UTF8, scrape.get());
        } catch (RuntimeException failure) {
            LOG.warn("metrics scrape failed", failure);
            reply = HttpReplies.text(HttpResponseStatus.BAD_REQUEST, HttpReplies.TEXT_PLAIN_UTF8, "");
        }
        return CompletableFuture.completedFuture(reply);
    }
}
