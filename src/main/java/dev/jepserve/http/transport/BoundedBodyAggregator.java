package dev.jepserve.http.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;

import java.util.concurrent.TimeUnit;

/**
 * Aggregates request bodies up to --http-max-input-size. A larger body is answered with Triton's 400 error
 * object (Netty's default is a bare 413) and the connection is closed, since the rest of the body is unread.
 * The same holds when the client announced the size and waits for {@code 100 Continue}.
 */
final class BoundedBodyAggregator extends HttpObjectAggregator {
    /** How long the rest of an oversized body is read before the connection closes. */
    private static final long LINGER_SECONDS = 2;

    private final int maxInputSize;

    BoundedBodyAggregator(int maxInputSize) {
        super(maxInputSize, true); // close when a 100-continue expectation is refused
        this.maxInputSize = maxInputSize;
        // Netty copies the body into one buffer whenever it has more than 1,024 parts (a 4 MB body arrives in
        // thousands of reads): a tenth of the event loop's time. The decoders read across parts instead.
        setMaxCumulationBufferComponents(Integer.MAX_VALUE);
    }

    @Override
    protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
        Object response = super.newContinueResponse(start, maxContentLength, pipeline);
        if (response instanceof HttpResponse refused
                && refused.status().code() == HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE.code()) {
            ReferenceCountUtil.release(response);
            FullHttpResponse reply = HttpReplies.error(400, tooLargeMessage(start));
            reply.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            return reply;
        }
        return response;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        // Not released here: the aggregator releases the message after this returns (for a chunked body it is
        // the partly aggregated request; releasing it here too logged an IllegalReferenceCountException).
        FullHttpResponse reply = HttpReplies.error(400, tooLargeMessage(oversized));
        reply.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(reply).addListener(written -> closeAfterLinger(ctx));
    }

    /**
     * Closes gently: the reply is out, our side of the connection is shut, and the rest of the client's body
     * is still read (and dropped by the aggregator) for a moment. Closing at once would make the kernel reset
     * the connection while the client is still sending, and the client would lose the reply.
     */
    private static void closeAfterLinger(ChannelHandlerContext ctx) {
        if (ctx.channel() instanceof DuplexChannel duplex && duplex.isActive()) {
            duplex.shutdownOutput();
            ctx.executor().schedule(() -> ctx.close(), LINGER_SECONDS, TimeUnit.SECONDS);
        } else {
            ctx.close();
        }
    }

    private String tooLargeMessage(HttpMessage oversized) {
        String declared = oversized.headers().get(HttpHeaderNames.CONTENT_LENGTH);
        String size = declared != null ? "of " + declared + " bytes " : "";
        return "Request body size " + size + "exceeds the maximum allowed value of " + maxInputSize
                + " bytes. Use --http-max-input-size to increase the limit.";
    }
}
