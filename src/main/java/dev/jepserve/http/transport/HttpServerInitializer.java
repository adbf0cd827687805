package dev.jepserve.http.transport;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;

/**
 * The pipeline of one connection: HTTP/1.1 codec, read timeouts, body aggregation with the size limit, then
 * routing. Also registers the connection with its server so a stop can close it, and closes a connection over
 * the server's connection cap at once.
 */
public final class HttpServerInitializer extends ChannelInitializer<SocketChannel> {
    private final Router router;
    private final int maxInputSize;
    private final ActiveRequests active;
    private final ChannelGroup connections;
    private final OffloadExecutor offload;
    private final ConnectionLimits limits;
    private final ConnectionCap cap;

    public HttpServerInitializer(Router router, int maxInputSize, ActiveRequests active, ChannelGroup connections,
                                 OffloadExecutor offload) {
        this(router, maxInputSize, active, connections, offload, ConnectionLimits.DEFAULTS);
    }

    /** @param limits the connection cap and the idle, header and body timeouts */
    public HttpServerInitializer(Router router, int maxInputSize, ActiveRequests active, ChannelGroup connections,
                                 OffloadExecutor offload, ConnectionLimits limits) {
        this.limits = limits;
        this.cap = new ConnectionCap(limits.maxConnections());
        this.router = router;
        this.maxInputSize = maxInputSize;
        this.active = active;
        this.connections = connections;
        this.offload = offload;
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        if (!cap.admit(channel)) {
            return;
        }
        connections.add(channel);
        ChannelPipeline pipeline = channel.pipeline();
        ReadTimeouts timeouts = new ReadTimeouts(limits);
        pipeline.addLast("bytes", timeouts.bytesWatch());
        pipeline.addLast("codec", new HttpServerCodec());
        pipeline.addLast("timeouts", timeouts);
        pipeline.addLast("aggregator", new BoundedBodyAggregator(maxInputSize));
        pipeline.addLast("dispatcher", new RequestDispatcher(router, active, offload));
    }
}
