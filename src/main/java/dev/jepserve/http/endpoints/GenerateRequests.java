package dev.jepserve.http.endpoints;

import dev.jepserve.http.codec.GenerateRequestDecoder;
import dev.jepserve.http.transport.ContentCoding;
import dev.jepserve.http.transport.EndpointRequest;
import dev.jepserve.inference.InferenceRequest;
import dev.jepserve.inference.InferenceService;
import dev.jepserve.inference.RequestHandle;
import dev.jepserve.inference.ServedModel;
import dev.jepserve.inference.TritonException;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;

import java.util.concurrent.CompletableFuture;

/**
 * What generate and generate_stream share: find the model (decoupled ones too), refuse compressed bodies, decode
 * the body (on the offload pool when large), and cancel a submitted request when its client goes away.
 */
final class GenerateRequests {
    private final InferenceService service;
    private final GenerateRequestDecoder decoder;

    GenerateRequests(InferenceService service, int maxInputSize) {
        this.service = service;
        this.decoder = new GenerateRequestDecoder(maxInputSize);
    }

    /** A resolved model and its request, being decoded. */
    record Prepared(ServedModel model, CompletableFuture<InferenceRequest> request) {
    }

    /** Runs on the event loop; the decoding may finish later, elsewhere. */
    Prepared prepare(EndpointRequest request) {
        String name = request.param("model");
        String version = request.param("version");
        ServedModel model = service.model(name, version);
        long requestedVersion = ModelVersion.requested(version);
        try {
            if (ContentCoding.ofRequest(request.http().headers().get(HttpHeaderNames.CONTENT_ENCODING))
                    != ContentCoding.IDENTITY) {
                throw unsupportedCoding();
            }
        } catch (ContentCoding.UnsupportedCodingException unsupported) {
            throw unsupportedCoding();
        }
        ByteBuf body = request.http().content().retain(); // released by the dispatcher when handle returns
        CompletableFuture<InferenceRequest> decoded = request.offload().run(body.readableBytes(), request.eventLoop(),
                () -> decoder.decode(name, requestedVersion, model.config(), body));
        decoded.whenComplete((done, failure) -> body.release());
        return new Prepared(model, decoded);
    }

    private static TritonException unsupportedCoding() {
        return TritonException.invalidArg("generate does not accept compressed request bodies (Content-Encoding)");
    }

    /** Cancels the request if the connection closes before {@code answered} completes. */
    static void cancelOnClose(EndpointRequest request, RequestHandle handle, CompletableFuture<?> answered) {
        GenericFutureListener<Future<Object>> cancel = closed -> handle.cancel();
        request.closed().addListener(cancel);
        answered.whenComplete((result, failure) -> request.closed().removeListener(cancel));
    }
}
