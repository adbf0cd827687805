package dev.jepserve.http.endpoints;

import dev.jepserve.http.codec.DecodedInferRequest;
import dev.jepserve.http.codec.InferRequestDecoder;
import dev.jepserve.http.codec.InferResponseEncoder;
import dev.jepserve.http.codec.InferTarget;
import dev.jepserve.http.transport.ContentCoding;
import dev.jepserve.http.transport.Endpoint;
import dev.jepserve.http.transport.EndpointRequest;
import dev.jepserve.http.transport.HttpReplies;

import dev.jepserve.inference.InferenceResponse;
import dev.jepserve.inference.InferenceService;
import dev.jepserve.inference.ServedModel;
import dev.jepserve.inference.TritonCode;
import dev.jepserve.inference.TritonException;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * {@code POST /v2/models/{m}[/versions/{v}]/infer}. On the event loop: resolve the model (decoupled models are
 * refused), inflate a compressed body, decode it, hand the request to the model. When the model's future
 * completes, come back to the event loop to encode the reply. Nothing here blocks.
 */
public final class InferEndpoint implements Endpoint {
    private final InferenceService service;
    private final InferRequestDecoder decoder;
    private final InferResponseEncoder encoder = new InferResponseEncoder();
    private final int maxInputSize;

    public InferEndpoint(InferenceService service, int maxInputSize) {
        this.service = service;
        this.decoder = new InferRequestDecoder(maxInputSize);
        this.maxInputSize = maxInputSize;
    }

    @Override
    public CompletionStage<FullHttpResponse> handle(EndpointRequest request) {
        String name = request.param("model");
        String version = request.param("version");
        ServedModel model = service.model(name, version);
        if (model.config().getModelTransactionPolicy().getDecoupled()) {
            throw new TritonException(TritonCode.UNSUPPORTED,
                    "HTTP end point doesn't support models with decoupled transaction policy");
        }
        HttpHeaders headers = request.http().headers();
        ContentCoding requestCoding;
        try {
            requestCoding = ContentCoding.ofRequest(headers.get(HttpHeaderNames.CONTENT_ENCODING));
        } catch (ContentCoding.UnsupportedCodingException unsupported) {
            FullHttpResponse reply = HttpReplies.error(501, "Unsupported compression type");
            reply.headers().set(HttpHeaderNames.ACCEPT_ENCODING, ContentCoding.SUPPORTED);
            return CompletableFuture.completedFuture(reply);
        }
        ContentCoding responseCoding = ContentCoding.forAcceptEncoding(headers.get(HttpHeaderNames.ACCEPT_ENCODING));

        DecodedInferRequest decoded;
        ByteBuf body = requestCoding.decompress(request.http().content(), maxInputSize, request.alloc());
        try {
            InferTarget target = new InferTarget(name, requestedVersion(version), model.config());
            decoded = decoder.decode(target, body, headers.get(InferRequestDecoder.HEADER_LENGTH));
        } finally {
            body.release();
        }

        CompletableFuture<InferenceResponse> inference;
        try {
            inference = model.infer(decoded.request());
        } catch (RuntimeException failure) {
            inference = CompletableFuture.failedFuture(failure);
        }
        // A client that disconnects cancels its request: the scheduler drops it, the model sees is_cancelled().
        CompletableFuture<InferenceResponse> cancellable = inference;
        GenericFutureListener<Future<Object>> cancelOnClose = closed -> cancellable.cancel(false);
        request.closed().addListener(cancelOnClose);
        inference.whenComplete((response, failure) -> request.closed().removeListener(cancelOnClose));

        boolean batching = model.config().getMaxBatchSize() > 0;
        CompletableFuture<FullHttpResponse> reply = new CompletableFuture<>();
        inference.whenComplete((response, failure) -> completeOn(request.eventLoop(), reply, () -> failure != null
                ? HttpReplies.error(failure)
                : encoder.encode(response, decoded.encoding(), batching, responseCoding, request.alloc())));
        return reply;
    }

    private static long requestedVersion(String version) {
        if (version == null) {
            return -1;
        }
        try {
            return Long.parseLong(version);
        } catch (NumberFormatException e) {
            throw TritonException.invalidArg("failed to get model version from specified version string '" + version
                    + "' (details: " + e.getMessage() + "), version should be an integral value > 0");
        }
    }

    /** Runs {@code work} on the event loop and completes {@code target} with its result or failure. */
    private static void completeOn(EventExecutor loop, CompletableFuture<FullHttpResponse> target,
                                   Supplier<FullHttpResponse> work) {
        Runnable task = () -> {
            try {
                target.complete(work.get());
            } catch (Throwable failure) {
                target.completeExceptionally(failure);
            }
        };
        if (loop.inEventLoop()) {
            task.run();
            return;
        }
        try {
            loop.execute(task);
        } catch (RejectedExecutionException shuttingDown) {
            target.completeExceptionally(shuttingDown);
        }
    }
}
