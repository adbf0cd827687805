package dev.jepserve.http.endpoints;

import dev.jepserve.http.codec.GenerateResponseEncoder;
import dev.jepserve.http.transport.Endpoint;
import dev.jepserve.http.transport.EndpointRequest;
import dev.jepserve.http.transport.HttpReplies;
import dev.jepserve.inference.InferenceService;
import dev.jepserve.inference.RequestHandle;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.concurrent.CompletionStage;

/**
 * {@code POST /v2/models/{m}[/versions/{v}]/generate}: the generate extension's one-response form, for
 * decoupled models too. The reply is the one response as a flat JSON object; a model that answers with no
 * response or with more than one gets Triton's error instead.
 */
public final class GenerateEndpoint implements Endpoint {
    private final GenerateRequests requests;

    public GenerateEndpoint(InferenceService service, int maxInputSize) {
        this.requests = new GenerateRequests(service, maxInputSize);
    }

    @Override
    public CompletionStage<FullHttpResponse> handle(EndpointRequest request) {
        GenerateRequests.Prepared prepared = requests.prepare(request);
        return prepared.request().thenCompose(inferenceRequest -> {
            OneResponseSink sink = new OneResponseSink();
            RequestHandle handle = prepared.model().infer(inferenceRequest, sink);
            sink.attach(handle);
            GenerateRequests.cancelOnClose(request, handle, sink.result());
            return sink.result().thenCompose(response -> request.offload().run(
                    GenerateResponseEncoder.workEstimate(response), request.eventLoop(),
                    () -> HttpReplies.json(HttpResponseStatus.OK, GenerateResponseEncoder.encode(response))));
        });
    }
}
