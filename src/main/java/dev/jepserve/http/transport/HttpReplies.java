package dev.jepserve.http.transport;

import dev.jepserve.http.codec.JsonSupport;
import dev.jepserve.inference.TritonCode;
import dev.jepserve.inference.TritonException;
import dev.jepserve.inference.UnexpectedFailures;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Builds the replies every endpoint shares: JSON bodies, Triton error objects, empty bodies. */
public final class HttpReplies {
    public static final String TEXT_PLAIN = "text/plain";
    public static final String TEXT_PLAIN_UTF8 = "text/plain; charset=utf-8";

    private HttpReplies() {
    }

    /** 200 (or {@code status}) with a JSON body. */
    public static FullHttpResponse json(HttpResponseStatus status, byte[] json) {
        return withBody(status, HttpHeaderValues.APPLICATION_JSON.toString(), Unpooled.wrappedBuffer(json));
    }

    public static FullHttpResponse json(HttpResponseStatus status, String json) {
        return json(status, json.getBytes(StandardCharsets.UTF_8));
    }

    public static FullHttpResponse text(HttpResponseStatus status, String contentType, String body) {
        return withBody(status, contentType, Unpooled.wrappedBuffer(body.getBytes(StandardCharsets.UTF_8)));
    }

    /** An empty body; Triton leaves the type to its HTTP library, which says text/plain. */
    public static FullHttpResponse empty(HttpResponseStatus status) {
        return withBody(status, TEXT_PLAIN, Unpooled.EMPTY_BUFFER);
    }

    /** Triton's error object {@code {"error":"..."}} with the given status. */
    public static FullHttpResponse error(int status, String message) {
        return json(HttpResponseStatus.valueOf(status), JsonSupport.errorJson(message));
    }

    /** The error object for a failure: a TritonException's code decides the status, anything else is a 500. */
    public static FullHttpResponse error(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof TritonException triton) {
            return error(triton.code().httpStatus(), String.valueOf(triton.getMessage()));
        }
        if (cause instanceof CancellationException) {
            return error(TritonCode.CANCELLED.httpStatus(), "request cancelled");
        }
        return error(500, UnexpectedFailures.clientText(cause));
    }

    public static FullHttpResponse notFound() {
        return error(404, "Not Found");
    }

    public static FullHttpResponse methodNotAllowed() {
        return error(405, "Method Not Allowed");
    }

    static FullHttpResponse withBody(HttpResponseStatus status, String contentType, ByteBuf body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        return response;
    }

    /** The failure a future or wrapper carries. */
    static Throwable unwrap(Throwable failure) {
        Throwable current = failure;
        while ((current instanceof CompletionException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }
}
