package dev.jepserve.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * Triton's {@code triton_grpc_error: true} stream header: the first error ends the stream with its gRPC status
 * instead of travelling in-band in {@code error_message}. This interceptor puts the header's value in the call's
 * context, where the stream handler reads it.
 */
final class StreamErrorMode implements ServerInterceptor {
    static final Metadata.Key<String> HEADER = Metadata.Key.of("triton_grpc_error", Metadata.ASCII_STRING_MARSHALLER);
    private static final Context.Key<Boolean> ERRORS_END_STREAM = Context.key("jepserve-triton-grpc-error");

    /** Whether the current call asked for errors to end the stream. */
    static boolean errorsEndStream() {
        return Boolean.TRUE.equals(ERRORS_END_STREAM.get());
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
        String value = headers.get(HEADER);
        if (value == null) {
            return next.startCall(call, headers);
        }
        Context context = Context.current().withValue(ERRORS_END_STREAM, "true".equalsIgnoreCase(value.trim()));
        return Contexts.interceptCall(context, call, headers, next);
    }
}
