package dev.jepserve.http.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * The idle, header and body timeouts of one connection. It sits after the HTTP codec and watches requests come
 * in and responses go out; {@link #bytesWatch()} sits before the codec and reports the first bytes of a request.
 *
 * <ul>
 *   <li>idle: no request in progress or unanswered, and no bytes, for the idle timeout;</li>
 *   <li>header: a request's first bytes arrived, its headers are not complete after the header timeout
 *       (a slowloris client);</li>
 *   <li>body: the headers arrived, the body is not complete after the body timeout.</li>
 * </ul>
 * A request that is being answered (the model may take long) is never timed out here. On a timeout the
 * connection is closed without a reply, as the client is not reading one.
 */
final class ReadTimeouts extends ChannelDuplexHandler {
    private enum Phase { IDLE, HEADERS, BODY, ANSWERING }

    private final ConnectionLimits limits;
    private Phase phase = Phase.IDLE;
    private int unanswered;
    private ScheduledFuture<?> timer;
    private ChannelHandlerContext ctx;

    ReadTimeouts(ConnectionLimits limits) {
        this.limits = limits;
    }

    /** The handler to put before the codec: it tells this one when bytes of a new request arrive. */
    ChannelInboundHandlerAdapter bytesWatch() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext watchCtx, Object msg) {
                if (msg instanceof ByteBuf bytes && bytes.isReadable() && phase == Phase.IDLE) {
                    enter(Phase.HEADERS, limits.headerTimeoutMillis());
                }
                watchCtx.fireChannelRead(msg);
            }
        };
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        ctx = context;
        if (context.channel().isActive()) {
            enter(Phase.IDLE, limits.idleTimeoutMillis());
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext context) {
        enter(Phase.IDLE, limits.idleTimeoutMillis());
        context.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
        cancel();
        context.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object msg) {
        if (msg instanceof HttpRequest) {
            enter(Phase.BODY, limits.bodyTimeoutMillis());
        }
        if (msg instanceof LastHttpContent) {
            unanswered++;
            enter(Phase.ANSWERING, 0);
        }
        context.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext context, Object msg, ChannelPromise promise) {
        boolean interim = msg instanceof HttpResponse response
                && response.status().code() == HttpResponseStatus.CONTINUE.code();
        if (msg instanceof LastHttpContent && !interim) {
            promise.addListener(written -> answered());
        }
        context.write(msg, promise);
    }

    private void answered() {
        if (unanswered > 0) {
            unanswered--;
        }
        if (unanswered == 0) {
            switch (phase) {
                case ANSWERING -> enter(Phase.IDLE, limits.idleTimeoutMillis());
                case HEADERS -> enter(Phase.HEADERS, limits.headerTimeoutMillis());
                case BODY -> enter(Phase.BODY, limits.bodyTimeoutMillis());
                default -> { }
            }
        }
    }

    /**
     * Moves to {@code next} with a fresh timer ({@code millis} 0: none). While an earlier request is still being
     * answered nothing is timed: the dispatcher may have paused reading on purpose (pipelined requests).
     */
    private void enter(Phase next, long millis) {
        phase = next == Phase.IDLE && unanswered > 0 ? Phase.ANSWERING : next;
        cancel();
        if (millis > 0 && ctx != null && unanswered == 0) {
            Phase armed = phase;
            timer = ctx.executor().schedule(() -> expire(armed), millis, TimeUnit.MILLISECONDS);
        }
    }

    private void expire(Phase armed) {
        if (phase == armed && ctx.channel().isActive()) {
            ctx.close();
        }
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
