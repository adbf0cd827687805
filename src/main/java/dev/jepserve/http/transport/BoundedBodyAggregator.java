package dev.jepserve.http.transport;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;

/**
 * Aggregates request bodies up to --http-max-input-size. A larger body is answered with Triton's 400 error
 * object (Netty's default is a bare 413) and the connection is closed, since the rest of the body is unread.
 * The same holds when the client announced the size and waits for {@code 100 Continue}.
 */
final class BoundedBodyAggregator extends HttpObjectAggregator {
    private final int maxInputSize;

    BoundedBodyAggregator(int maxInputSize) {
        super(maxInputSize, true); // close when a 100-continue expectation is refused
        this.maxInputSize = maxInputSize;
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
        try {
            FullHttpResponse reply = HttpReplies.error(400, tooLargeMessage(oversized));
            reply.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(reply).addListener(ChannelFutureListener.CLOSE);
        } finally {
            ReferenceCountUtil.release(oversized);
        }
    }

    private String tooLargeMessage(HttpMessage oversized) {
        String declared = oversized.headers().get(HttpHeaderNames.CONTENT_LENGTH);
        String size = declared != null ? "of " + declared + " bytes " : "";
        return "Request body size " + size + "exceeds the maximum allowed value of " + maxInputSize
                + " bytes. Use --http-max-input-size to increase the limit.";
    }
}
