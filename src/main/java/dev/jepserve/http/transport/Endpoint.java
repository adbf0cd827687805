package dev.jepserve.http.transport;

import io.netty.handler.codec.http.FullHttpResponse;

import java.util.concurrent.CompletionStage;

/**
 * Answers one routed request. Runs on the connection's event loop, so it must not block.
 *
 * <p>The request (and its body) is released as soon as {@code handle} returns: read everything needed from
 * it before returning. The stage may complete on any thread; the dispatcher writes the reply on the event
 * loop. A stage that fails is answered with Triton's error object.
 */
@FunctionalInterface
public interface Endpoint {
    CompletionStage<FullHttpResponse> handle(EndpointRequest request) throws Exception;
}
