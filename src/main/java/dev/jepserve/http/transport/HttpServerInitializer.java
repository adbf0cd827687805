package dev.jepserve.http.transport;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;

/**
 * The pipeline of one connection: HTTP/1.1 codec, body aggregation with the size limit, then routing.
 * Also registers the connection with its server so a stop can close it.
 */
public final class HttpServerInitializer extends ChannelInitializer<SocketChannel> {
    private final Router router;
    private final int maxInputSize;
    private final ActiveRequests active;
    private final ChannelGroup connections;
    private final OffloadExecutor offload;

    public HttpServerInitializer(Router router, int maxInputSize, ActiveRequests active, ChannelGroup connections,
                                 OffloadExecutor offload) {
        this.router = router;
        this.maxInputSize = maxInputSize;
        this.active = active;
        this.connections = connections;
        this.offload = offload;
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        connections.add(channel);
        ChannelPipeline pipeline = channel.pipeline();
        pipeline.addLast("codec", new HttpServerCodec());
        pipeline.addLast("aggregator", new BoundedBodyAggregator(maxInputSize));
        pipeline.addLast("dispatcher", new RequestDispatcher(router, active, offload));
    }
}
