package dev.jepserve.grpc;

import dev.jepserve.grpc.proto.ModelInferRequest;
import dev.jepserve.grpc.proto.ModelInferResponse;
import dev.jepserve.inference.InferenceService;
import dev.jepserve.inference.InputMemory;
import dev.jepserve.inference.RequestTrace;
import dev.jepserve.inference.ServedModel;
import dev.jepserve.inference.InferenceResponse;
import dev.jepserve.inference.SingleResponseFuture;
import dev.jepserve.inference.TraceActivity;
import dev.jepserve.inference.Tracer;
import dev.jepserve.inference.TritonCode;
import dev.jepserve.inference.TritonException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.util.concurrent.RejectedExecutionException;

/**
 * The unary ModelInfer RPC: resolve the model (decoupled models are refused, as Triton does), decode, submit,
 * and answer once the model's one response arrives. The answer is encoded on the event loop (small) or the gRPC
 * executor (large), never on the model's thread ({@link AnswerExecutor}); a client that cancels the call cancels
 * the request.
 */
final class ModelInferRpc {
    static final String DECOUPLED_REFUSED = "ModelInfer RPC doesn't support models with decoupled transaction policy";

    private final InferenceService service;
    private final AnswerExecutor answers;
    private final Tracer tracer;
    private final ParsedMessageMemory memory;

    ModelInferRpc(InferenceService service, AnswerExecutor answers) {
        this(service, answers, Tracer.OFF, ParsedMessageMemory.NONE);
    }

    /** @param memory where received messages' bytes live (given back once their request is done) */
    ModelInferRpc(InferenceService service, AnswerExecutor answers, Tracer tracer, ParsedMessageMemory memory) {
        this.service = service;
        this.answers = answers;
        this.tracer = tracer;
        this.memory = memory;
    }

    void infer(ModelInferRequest message, StreamObserver<ModelInferResponse> observer) {
        long received = System.nanoTime();
        InputMemory bytes = memory.claim(message);
        SingleResponseFuture future;
        RequestTrace trace;
        try {
            ServedModel model = service.model(message.getModelName(), message.getModelVersion());
            if (model.isDecoupled()) {
                throw new TritonException(TritonCode.UNSUPPORTED, DECOUPLED_REFUSED);
            }
            InferRequestReader.Decoded decoded = InferRequestReader.read(message,
                    requestedVersion(message.getModelVersion(), model), bytes);
            trace = tracer.sample(model.name(), model.version(), "GRPC");
            if (trace != null) {
                trace.record(TraceActivity.GRPC_WAITREAD_START, received);
                trace.record(TraceActivity.GRPC_WAITREAD_END, System.nanoTime());
            }
            future = SingleResponseFuture.submitReleasing(model, decoded.request(), trace);
        } catch (RuntimeException refused) {
            observer.onError(GrpcStatuses.exception(refused));
            return;
        }
        ((ServerCallStreamObserver<ModelInferResponse>) observer).setOnCancelHandler(() -> future.cancel(false));
        future.whenComplete((response, failure) -> {
            try {
                answers.forAnswer(response).execute(() -> answer(observer, response, failure, trace));
            } catch (RejectedExecutionException stopping) {
                // The server is stopping: nobody to tell. The answer was never written: give borrowed output
                // memory back here.
                if (response != null) {
                    response.release();
                }
            }
        });
    }

    private static void answer(StreamObserver<ModelInferResponse> observer, InferenceResponse response,
                               Throwable failure, RequestTrace trace) {
        if (trace != null) {
            trace.record(TraceActivity.GRPC_SEND_START, System.nanoTime());
        }
        try {
            if (failure != null) {
                observer.onError(GrpcStatuses.exception(failure));
            } else {
                observer.onNext(InferResponseWriter.response(response));
                observer.onCompleted();
            }
        } catch (RuntimeException lostCall) {
            // The call was cancelled meanwhile: nobody to tell.
        } finally {
            if (response != null) {
                // onNext framed the message into the transport's own buffers before it returned.
                response.release();
            }
            if (trace != null) {
                trace.record(TraceActivity.GRPC_SEND_END, System.nanoTime());
                trace.finish();
            }
        }
    }

    /** The version the client addressed (-1 when it left the choice to the server). */
    static long requestedVersion(String version, ServedModel model) {
        return version.isEmpty() ? -1 : model.version();
    }
}
