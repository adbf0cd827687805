package dev.jepserve.http.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

/**
 * A reply written in parts (chunked transfer): a head, any number of chunks, an end. For endpoints that answer
 * as results arrive (generate_stream). Every method may be called from any thread, in order, never overlapping;
 * the writes happen on the connection's event loop in that order. Once started, a closed connection completes
 * {@link #done()} (the request counts as answered) and later writes are dropped, their buffers released.
 *
 * <p>A streaming endpoint returns {@link #done()} from {@link Endpoint#handle}; it completes with
 * {@link #WRITTEN}, which tells the dispatcher the reply is already on the wire.
 */
public final class ResponseStream {
    /** The marker a streaming endpoint's stage completes with; never written. */
    public static final FullHttpResponse WRITTEN =
            new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.EMPTY_BUFFER);

    private final ChannelHandlerContext ctx;
    private final boolean keepAlive;
    private final HttpVersion version;
    private final CompletableFuture<FullHttpResponse> done = new CompletableFuture<>();

    ResponseStream(ChannelHandlerContext ctx, boolean keepAlive, HttpVersion version) {
        this.ctx = ctx;
        this.keepAlive = keepAlive;
        this.version = version;
    }

    /** Completes once the end is written or the connection is gone. */
    public CompletableFuture<FullHttpResponse> done() {
        return done;
    }

    /** Writes the status line and headers; the body follows in chunks. */
    public void start(HttpResponse head) {
        GenericFutureListener<Future<? super Void>> closed = future -> done.complete(WRITTEN);
        ctx.channel().closeFuture().addListener(closed);
        done.whenComplete((marker, failure) -> ctx.channel().closeFuture().removeListener(closed));
        HttpUtil.setTransferEncodingChunked(head, true);
        HttpUtil.setKeepAlive(head.headers(), version, keepAlive);
        onLoop(() -> ctx.writeAndFlush(head), head);
    }

    /** Writes one chunk; takes ownership of {@code chunk}. */
    public void send(ByteBuf chunk) {
        onLoop(() -> ctx.writeAndFlush(new DefaultHttpContent(chunk)), chunk);
    }

    /** Ends the body; the dispatcher then goes on with the connection's next request. */
    public void finish() {
        onLoop(() -> ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT)
                .addListener(written -> done.complete(WRITTEN)), null);
    }

    private void onLoop(Runnable write, Object message) {
        Runnable guarded = () -> {
            if (done.isDone()) {
                ReferenceCountUtil.release(message);
            } else {
                write.run();
            }
        };
        if (ctx.executor().inEventLoop()) {
            guarded.run();
            return;
        }
        try {
            ctx.executor().execute(guarded);
        } catch (RejectedExecutionException shuttingDown) {
            ReferenceCountUtil.release(message);
            done.complete(WRITTEN);
        }
    }
}
