package dev.jepserve.http.transport;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * On the listening socket: a failed accept (most often "Too many open files") pauses accepting for a second
 * and logs one line at most every ten seconds, instead of Netty's stack trace per attempt.
 */
@ChannelHandler.Sharable
public final class AcceptErrors extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(AcceptErrors.class);

    private final String server;
    private final RateLimitedLog lines = new RateLimitedLog(LOG, 10_000);

    public AcceptErrors(String server) {
        this.server = server;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        lines.warn(server + " server cannot accept connections: " + cause.getMessage()
                + "; accepting pauses for 1 s");
        if (ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(false);
            ctx.channel().eventLoop().schedule(() -> {
                ctx.channel().config().setAutoRead(true);
            }, 1, TimeUnit.SECONDS);
        }
    }
}
