package dev.jepserve.http.transport;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;

/**
 * Routes each aggregated request to its endpoint and writes exactly one reply per request, in request order.
 *
 * <p>One instance per connection. Replies may complete on other threads; they are written on the
 * connection's event loop. While a request is being answered, later (pipelined) requests wait in a queue and
 * the channel stops reading, so a slow inference pushes back on its client instead of buffering without
 * bound. Sets Content-Length and the keep-alive headers on every reply, and closes after a reply when the
 * client asked for {@code Connection: close}. A streaming endpoint writes its reply itself through the
 * request's {@link ResponseStream}; the dispatcher then only waits for its end before the next request.
 */
final class RequestDispatcher extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(RequestDispatcher.class);

    private final Router router;
    private final ActiveRequests active;
    private final OffloadExecutor offload;
    private final ArrayDeque<FullHttpRequest> waiting = new ArrayDeque<>();
    private boolean busy;
    private boolean closing;

    RequestDispatcher(Router router, ActiveRequests active, OffloadExecutor offload) {
        this.router = router;
        this.active = active;
        this.offload = offload;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (closing) {
            request.release();
            return;
        }
        if (busy || !waiting.isEmpty()) {
            waiting.add(request);
            ctx.channel().config().setAutoRead(false);
            return;
        }
        dispatch(ctx, request);
    }

    private void dispatch(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("HTTP request: {} {}", request.method(), request.uri());
        }
        busy = true;
        active.begin();
        boolean keepAlive = request.decoderResult().isSuccess() && HttpUtil.isKeepAlive(request);
        HttpVersion version = request.protocolVersion();
        CompletionStage<FullHttpResponse> reply;
        try {
            reply = route(ctx, request, keepAlive, version);
        } catch (Throwable failure) {
            reply = CompletableFuture.completedFuture(HttpReplies.error(failure));
        } finally {
            request.release();
        }
        if (reply == null) {
            reply = CompletableFuture.failedFuture(new IllegalStateException("endpoint produced no reply"));
        }
        reply.whenComplete((response, failure) -> deliver(ctx, response, failure, keepAlive, version));
    }

    private CompletionStage<FullHttpResponse> route(ChannelHandlerContext ctx, FullHttpRequest request,
                                                    boolean keepAlive, HttpVersion version) throws Exception {
        if (request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            return CompletableFuture.completedFuture(
                    HttpReplies.error(400, "malformed HTTP request: " + cause.getMessage()));
        }
        Router.Resolution resolution = router.resolve(request.method(), request.uri());
        if (resolution instanceof Router.Matched matched) {
            return matched.endpoint().handle(
                    new EndpointRequest(request, matched.pathParams(), ctx.executor(), ctx.alloc(),
                            ctx.channel().closeFuture(), offload,
                            new ResponseStream(ctx, keepAlive, version)));
        }
        if (resolution instanceof Router.MethodNotAllowed) {
            return CompletableFuture.completedFuture(HttpReplies.methodNotAllowed());
        }
        return CompletableFuture.completedFuture(HttpReplies.notFound());
    }

    /** Called on whichever thread completed the reply; moves the write onto the event loop. */
    private void deliver(ChannelHandlerContext ctx, FullHttpResponse response, Throwable failure,
                         boolean keepAlive, HttpVersion version) {
        if (response == ResponseStream.WRITTEN && failure == null) {
            runOnLoop(ctx, () -> finished(ctx, null, keepAlive));
            return;
        }
        FullHttpResponse reply;
        if (failure != null || response == null) {
            ReferenceCountUtil.release(response);
            reply = HttpReplies.error(failure != null ? failure : new IllegalStateException("endpoint produced no reply"));
        } else {
            reply = response;
        }
        EventExecutor loop = ctx.executor();
        if (loop.inEventLoop()) {
            write(ctx, reply, keepAlive, version);
            return;
        }
        try {
            loop.execute(() -> write(ctx, reply, keepAlive, version));
        } catch (RejectedExecutionException shuttingDown) {
            reply.release();
            active.end();
        }
    }

    private void runOnLoop(ChannelHandlerContext ctx, Runnable task) {
        if (ctx.executor().inEventLoop()) {
            task.run();
            return;
        }
        try {
            ctx.executor().execute(task);
        } catch (RejectedExecutionException shuttingDown) {
            active.end();
        }
    }

    private void write(ChannelHandlerContext ctx, FullHttpResponse reply, boolean keepAlive, HttpVersion version) {
        HttpUtil.setContentLength(reply, reply.content().readableBytes());
        HttpUtil.setKeepAlive(reply.headers(), version, keepAlive);
        finished(ctx, ctx.writeAndFlush(reply), keepAlive);
    }

    /** The reply is written (or, streamed, its end is): go on with the connection's next request. */
    private void finished(ChannelHandlerContext ctx, ChannelFuture written, boolean keepAlive) {
        active.end();
        busy = false;
        if (!keepAlive) {
            closing = true;
            releaseWaiting();
            if (written != null) {
                written.addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.close();
            }
            return;
        }
        if (!waiting.isEmpty()) {
            // A fresh task rather than recursion: a long pipeline must not grow the stack.
            ctx.executor().execute(() -> dispatchNext(ctx));
        } else if (!ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    private void dispatchNext(ChannelHandlerContext ctx) {
        if (busy || closing) {
            return;
        }
        FullHttpRequest next = waiting.poll();
        if (next != null) {
            dispatch(ctx, next);
        } else if (!ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        closing = true;
        releaseWaiting();
        super.channelInactive(ctx);
    }

    private void releaseWaiting() {
        FullHttpRequest request;
        while ((request = waiting.poll()) != null) {
            request.release();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            LOG.debug("HTTP connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        } else {
            // One line: a client must not be able to fill the log with stack traces.
            LOG.warn("HTTP connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        }
        ctx.close();
    }
}
