package dev.jepserve.http.endpoints;

import dev.jepserve.http.codec.DecodedInferRequest;
import dev.jepserve.http.codec.InferRequestDecoder;
import dev.jepserve.http.codec.InferResponseEncoder;
import dev.jepserve.http.codec.InferTarget;
import dev.jepserve.http.transport.ContentCoding;
import dev.jepserve.http.transport.Endpoint;
import dev.jepserve.http.transport.EndpointRequest;
import dev.jepserve.http.transport.HttpReplies;
import dev.jepserve.inference.InferenceRequest;
import dev.jepserve.inference.InferenceResponse;
import dev.jepserve.inference.InferenceService;
import dev.jepserve.inference.RequestTrace;
import dev.jepserve.inference.ServedModel;
import dev.jepserve.inference.SingleResponseFuture;
import dev.jepserve.inference.TraceActivity;
import dev.jepserve.inference.Tracer;
import dev.jepserve.inference.TritonCode;
import dev.jepserve.inference.TritonException;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code POST /v2/models/{m}[/versions/{v}]/infer}. On the event loop: resolve the model (decoupled models are
 * refused, 501 as in Triton) and check the content codings. Inflating and decoding the body, and later encoding
 * the reply, run where {@link dev.jepserve.http.transport.OffloadExecutor} puts them: on the event loop when
 * small, on the server's offload pool when large. Nothing here blocks.
 */
public final class InferEndpoint implements Endpoint {
    /** Inflating costs more per input byte than parsing: a compressed body counts this many times its size. */
    private static final int COMPRESSED_WORK_FACTOR = 8;

    private final InferenceService service;
    private final InferRequestDecoder decoder;
    private final InferResponseEncoder encoder = new InferResponseEncoder();
    private final int maxInputSize;
    private final Tracer tracer;

    public InferEndpoint(InferenceService service, int maxInputSize) {
        this(service, maxInputSize, Tracer.OFF);
    }

    /** @param tracer decides which requests are traced (asked once per decoded request) */
    public InferEndpoint(InferenceService service, int maxInputSize, Tracer tracer) {
        this.service = service;
        this.decoder = new InferRequestDecoder(maxInputSize, service.inputBuffers());
        this.maxInputSize = maxInputSize;
        this.tracer = tracer;
    }

    @Override
    public CompletionStage<FullHttpResponse> handle(EndpointRequest request) {
        long received = System.nanoTime();
        String name = request.param("model");
        String version = request.param("version");
        ServedModel model = service.model(name, version);
        if (model.isDecoupled()) {
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
        InferTarget target = new InferTarget(name, ModelVersion.requested(version), model.config());
        String headerLength = headers.get(InferRequestDecoder.HEADER_LENGTH);

        // The dispatcher releases the request when handle returns; decoding may run later, on another thread.
        ByteBuf content = request.http().content().retain();
        long decodeWork = (long) content.readableBytes()
                * (requestCoding == ContentCoding.IDENTITY ? 1 : COMPRESSED_WORK_FACTOR);
        CompletableFuture<DecodedInferRequest> decoding = request.offload().run(decodeWork, request.eventLoop(),
                () -> decode(requestCoding, content, request, target, headerLength));
        decoding.whenComplete((decoded, failure) -> content.release());

        boolean batching = model.config().getMaxBatchSize() > 0;
        return decoding.thenCompose(decoded -> {
            RequestTrace trace = tracer.sample(model.name(), model.version(), "HTTP");
            if (trace != null) {
                trace.record(TraceActivity.HTTP_RECV_START, received);
                trace.record(TraceActivity.HTTP_RECV_END, System.nanoTime());
            }
            CompletableFuture<FullHttpResponse> reply = infer(model, decoded.request(), request, trace)
                    .thenCompose(response -> {
                        long encodeWork = InferResponseEncoder.workEstimate(response, decoded.encoding(),
                                responseCoding);
                        // The encoded reply holds its own reference to borrowed outputs until it is written.
                        return request.offload().run(encodeWork, request.eventLoop(), () -> {
                            if (trace != null) {
                                trace.record(TraceActivity.HTTP_SEND_START, System.nanoTime());
                            }
                            FullHttpResponse encoded = encoder.encode(response, decoded.encoding(), batching,
                                    responseCoding, request.alloc());
                            if (trace != null) {
                                // The reply is encoded; the socket write follows on the event loop.
                                trace.record(TraceActivity.HTTP_SEND_END, System.nanoTime());
                            }
                            return encoded;
                        }).whenComplete((encoded, failure) -> response.release());
                    });
            if (trace != null) {
                reply.whenComplete((sent, failure) -> trace.finish());
            }
            return reply;
        });
    }

    private DecodedInferRequest decode(ContentCoding coding, ByteBuf content, EndpointRequest request,
                                       InferTarget target, String headerLength) {
        ByteBuf body = coding.decompress(content, maxInputSize, request.alloc());
        try {
            return decoder.decode(target, body, headerLength);
        } finally {
            body.release();
        }
    }

    /** Submits the request; a client that disconnects cancels it (the model sees is_cancelled()). */
    private static CompletableFuture<InferenceResponse> infer(ServedModel model, InferenceRequest inferenceRequest,
                                                              EndpointRequest request, RequestTrace trace) {
        CompletableFuture<InferenceResponse> inference;
        try {
            inference = SingleResponseFuture.submitReleasing(model, inferenceRequest, trace);
        } catch (RuntimeException failure) {
            return CompletableFuture.failedFuture(failure);
        }
        CompletableFuture<InferenceResponse> cancellable = inference;
        GenericFutureListener<Future<Object>> cancelOnClose = closed -> cancellable.cancel(false);
        request.closed().addListener(cancelOnClose);
        inference.whenComplete((response, failure) -> request.closed().removeListener(cancelOnClose));
        return inference;
    }
}
