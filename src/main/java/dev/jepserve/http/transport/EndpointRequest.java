package dev.jepserve.http.transport;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;

import java.util.Map;

/**
 * What an endpoint gets: the aggregated request, the values captured from the path, and the connection's
 * event loop (to come back to when work finishes elsewhere) and allocator.
 *
 * @param http       the request; valid only until {@link Endpoint#handle} returns
 * @param pathParams named groups of the matched route, e.g. "model" and "version"; absent groups are missing
 * @param closed     completes when the client's connection closes (work done for it may then be dropped)
 * @param offload    where large body work runs, off the event loop
 * @param stream     for endpoints that write their reply in parts; unused by the others
 */
public record EndpointRequest(
        FullHttpRequest http,
        Map<String, String> pathParams,
        EventExecutor eventLoop,
        ByteBufAllocator alloc,
        Future<?> closed,
        OffloadExecutor offload,
        ResponseStream stream) {

    /** A captured path value, or null when the route's optional group did not match. */
    public String param(String name) {
        return pathParams.get(name);
    }
}
