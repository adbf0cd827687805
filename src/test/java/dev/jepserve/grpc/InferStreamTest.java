package dev.jepserve.grpc;

import dev.jepserve.grpc.proto.GRPCInferenceServiceGrpc;
import dev.jepserve.grpc.proto.InferParameter;
import dev.jepserve.grpc.proto.ModelInferRequest;
import dev.jepserve.grpc.proto.ModelStreamInferResponse;
import dev.jepserve.inference.DataType;
import dev.jepserve.inference.InferenceRequest;
import dev.jepserve.inference.InferenceResponse;
import dev.jepserve.inference.RequestHandle;
import dev.jepserve.inference.ResponseSink;
import dev.jepserve.inference.Tensor;
import dev.jepserve.inference.TritonCode;
import dev.jepserve.inference.TritonException;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import dev.jepserve.logging.LogController;
import dev.jepserve.logging.LogOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ModelStreamInfer through a real server and channel, with scripted models that do what Python models cannot
 * yet: many responses per request from other threads, errors mid-stream, empty finals, answers out of order.
 */
class InferStreamTest {
    private static final int FLOOD_COUNT = 200;
    private static final int FLOOD_BYTES = 256 * 1024;

    /** Sinks and cancel counts of requests a test holds on to, by request id. */
    private final Map<String, ResponseSink> held = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> cancelled = new ConcurrentHashMap<>();

    private GrpcServer server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        ScriptedService service = new ScriptedService()
                .add(new ScriptedModel("echo", false, (request, sink) -> {
                    sink.send(response(request, "echo"), true);
                    return RequestHandle.NONE;
                }))
                .add(new ScriptedModel("held", false, this::hold))
                .add(new ScriptedModel("chatter", true, (request, sink) -> {
                    // Three responses, an error that does not end the request, then an empty final; from another thread.
                    Thread thread = new Thread(() -> {
                        for (int i = 0; i < 3; i++) {
                            sink.send(response(request, "chatter"), false);
                        }
                        sink.fail(new TritonException(TritonCode.INTERNAL, "hiccup"), false);
                        sink.send(null, true);
                    });
                    thread.start();
                    return RequestHandle.NONE;
                }))
                .add(new ScriptedModel("held_decoupled", true, this::hold))
                .add(new ScriptedModel("flood", true, (request, sink) -> {
                    // Far more than the HTTP/2 window: the writer must wait for the client, not drop or reorder.
                    Thread thread = new Thread(() -> {
                        for (int i = 0; i < FLOOD_COUNT; i++) {
                            ByteBuffer data = ByteBuffer.allocate(FLOOD_BYTES).putInt(0, i);
                            sink.send(new InferenceResponse("flood", "1", request.id(), Map.of(), List.of(
                                    new Tensor("OUT", DataType.UINT8, new long[] {FLOOD_BYTES}, data))),
                                    i == FLOOD_COUNT - 1);
                        }
                    });
                    thread.start();
                    return RequestHandle.NONE;
                }));
        server = new GrpcServer(service, GrpcServerOptions.defaults("127.0.0.1", 0),
                LogController.install(LogOptions.defaults()));
        int port = server.start().getPort();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.stop(5000);
    }

    private RequestHandle hold(InferenceRequest request, ResponseSink sink) {
        held.put(request.id(), sink);
        CountDownLatch latch = cancelled.computeIfAbsent(request.id(), id -> new CountDownLatch(1));
        return latch::countDown;
    }

    private static InferenceResponse response(InferenceRequest request, String model) {
        return new InferenceResponse(model, "1", request.id(), Map.of(), List.of());
    }

    private static ModelInferRequest request(String model, String id) {
        return ModelInferRequest.newBuilder().setModelName(model).setId(id).build();
    }

    /** The client side of one stream: what arrived, and how the stream ended. */
    private static final class Recorder implements StreamObserver<ModelStreamInferResponse> {
        final BlockingQueue<ModelStreamInferResponse> messages = new LinkedBlockingQueue<>();
        final CountDownLatch ended = new CountDownLatch(1);
        volatile Status status;

        @Override
        public void onNext(ModelStreamInferResponse value) {
            messages.add(value);
        }

        @Override
        public void onError(Throwable t) {
            status = Status.fromThrowable(t);
            ended.countDown();
        }

        @Override
        public void onCompleted() {
            status = Status.OK;
            ended.countDown();
        }

        ModelStreamInferResponse next() throws InterruptedException {
            ModelStreamInferResponse message = messages.poll(5, TimeUnit.SECONDS);
            assertThat(message).as("a stream message within 5 s").isNotNull();
            return message;
        }

        void awaitEnd() throws InterruptedException {
            assertThat(ended.await(5, TimeUnit.SECONDS)).as("the stream ended").isTrue();
        }
    }

    private StreamObserver<ModelInferRequest> open(Recorder recorder) {
        return GRPCInferenceServiceGrpc.newStub(channel).modelStreamInfer(recorder);
    }

    private static boolean finalFlag(ModelStreamInferResponse message) {
        return message.getInferResponse().getParametersOrThrow("triton_final_response").getBoolParam();
    }

    @Test
    void aDecoupledModelsResponsesErrorsAndEmptyFinalAllArrive() throws Exception {
        Recorder recorder = new Recorder();
        StreamObserver<ModelInferRequest> stream = open(recorder);
        stream.onNext(request("chatter", "c1").toBuilder().putParameters("triton_enable_empty_final_response",
                InferParameter.newBuilder().setBoolParam(true).build()).build());
        for (int i = 0; i < 3; i++) {
            ModelStreamInferResponse message = recorder.next();
            assertThat(message.getErrorMessage()).isEmpty();
            assertThat(message.getInferResponse().getId()).isEqualTo("c1");
            assertThat(finalFlag(message)).isFalse();
        }
        ModelStreamInferResponse error = recorder.next();
        assertThat(error.getErrorMessage()).isEqualTo("hiccup");
        assertThat(error.getInferResponse().getModelName()).isEqualTo("chatter");
        assertThat(finalFlag(error)).isFalse();
        ModelStreamInferResponse last = recorder.next();
        assertThat(last.getErrorMessage()).isEmpty();
        assertThat(last.getInferResponse().getOutputsCount()).isZero();
        assertThat(finalFlag(last)).isTrue();
        stream.onCompleted();
        recorder.awaitEnd();
        assertThat(recorder.status.isOk()).isTrue();
        assertThat(recorder.messages).isEmpty();
    }

    @Test
    void withoutTheFlagTheEmptyFinalIsNotSent() throws Exception {
        Recorder recorder = new Recorder();
        StreamObserver<ModelInferRequest> stream = open(recorder);
        stream.onNext(request("chatter", "c2"));
        for (int i = 0; i < 4; i++) {
            recorder.next();
        }
        stream.onCompleted();
        recorder.awaitEnd();
        assertThat(recorder.messages).isEmpty();
    }

    @Test
    void nonDecoupledAnswersKeepRequestOrder() throws Exception {
        Recorder recorder = new Recorder();
        StreamObserver<ModelInferRequest> stream = open(recorder);
        stream.onNext(request("held", "first"));
        stream.onNext(request("echo", "second"));
        stream.onNext(request("no_such_model", "third"));
        awaitHeld("first");
        assertThat(recorder.messages.poll(300, TimeUnit.MILLISECONDS)).as("nothing before 'first' is answered").isNull();
        held.get("first").send(new InferenceResponse("held", "1", "first", Map.of(), List.of()), true);
        assertThat(recorder.next().getInferResponse().getId()).isEqualTo("first");
        assertThat(recorder.next().getInferResponse().getId()).isEqualTo("second");
        ModelStreamInferResponse refused = recorder.next();
        assertThat(refused.getErrorMessage()).isEqualTo("Request for unknown model: 'no_such_model' is not found");
        assertThat(refused.getInferResponse().getId()).isEqualTo("third");
        assertThat(refused.getInferResponse().getModelName()).isEmpty();
        stream.onCompleted();
        recorder.awaitEnd();
    }

    @Test
    void theStreamEndsOnlyAfterTheRequestsInFlightAreAnswered() throws Exception {
        Recorder recorder = new Recorder();
        StreamObserver<ModelInferRequest> stream = open(recorder);
        stream.onNext(request("held_decoupled", "late"));
        awaitHeld("late");
        stream.onCompleted();
        assertThat(recorder.ended.await(300, TimeUnit.MILLISECONDS)).isFalse();
        held.get("late").send(new InferenceResponse("held_decoupled", "1", "late", Map.of(), List.of()), true);
        assertThat(recorder.next().getInferResponse().getId()).isEqualTo("late");
        recorder.awaitEnd();
        assertThat(recorder.status.isOk()).isTrue();
    }

    @Test
    void cancellingTheStreamCancelsEveryRequestInFlight() throws Exception {
        Recorder recorder = new Recorder();
        StreamObserver<ModelInferRequest> stream = open(recorder);
        stream.onNext(request("held", "a"));
        stream.onNext(request("held_decoupled", "b"));
        awaitHeld("a");
        awaitHeld("b");
        stream.onError(Status.CANCELLED.asRuntimeException());
        assertThat(cancelled.get("a").await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(cancelled.get("b").await(5, TimeUnit.SECONDS)).isTrue();
        // A late answer to a cancelled stream goes nowhere and breaks nothing.
        held.get("a").send(new InferenceResponse("held", "1", "a", Map.of(), List.of()), true);
    }

    @Test
    void theTritonGrpcErrorHeaderTurnsTheFirstErrorIntoTheStreamsStatus() throws Exception {
        Metadata headers = new Metadata();
        headers.put(StreamErrorMode.HEADER, "true");
        Recorder recorder = new Recorder();
        StreamObserver<ModelInferRequest> stream = GRPCInferenceServiceGrpc.newStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers)).modelStreamInfer(recorder);
        stream.onNext(request("echo", "ok"));
        assertThat(recorder.next().getInferResponse().getId()).isEqualTo("ok");
        stream.onNext(request("no_such_model", "bad"));
        recorder.awaitEnd();
        assertThat(recorder.status.getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(recorder.status.getDescription()).isEqualTo("Request for unknown model: 'no_such_model' is not found");
    }

    @Test
    void stoppingTheServerCompletesOpenStreamsAfterTheirRequests() throws Exception {
        Recorder recorder = new Recorder();
        StreamObserver<ModelInferRequest> stream = open(recorder);
        stream.onNext(request("held", "pending"));
        awaitHeld("pending");
        Thread stopper = new Thread(() -> {
            try {
                server.stop(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        stopper.start();
        assertThat(recorder.ended.await(300, TimeUnit.MILLISECONDS)).as("waits for the request in flight").isFalse();
        held.get("pending").send(new InferenceResponse("held", "1", "pending", Map.of(), List.of()), true);
        assertThat(recorder.next().getInferResponse().getId()).isEqualTo("pending");
        recorder.awaitEnd();
        assertThat(recorder.status.isOk()).isTrue();
        stopper.join(5000);
        assertThat(stopper.isAlive()).isFalse();
    }

    @Test
    void aFloodOfLargeResponsesArrivesCompleteAndInOrder() throws Exception {
        Recorder recorder = new Recorder();
        StreamObserver<ModelInferRequest> stream = open(recorder);
        stream.onNext(request("flood", "f"));
        for (int i = 0; i < FLOOD_COUNT; i++) {
            ModelStreamInferResponse message = recorder.next();
            ByteBuffer data = message.getInferResponse().getRawOutputContents(0).asReadOnlyByteBuffer();
            assertThat(data.remaining()).isEqualTo(FLOOD_BYTES);
            assertThat(data.getInt(0)).isEqualTo(i);
            assertThat(finalFlag(message)).isEqualTo(i == FLOOD_COUNT - 1);
        }
        stream.onCompleted();
        recorder.awaitEnd();
        assertThat(recorder.status.isOk()).isTrue();
    }

    private void awaitHeld(String id) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!held.containsKey(id) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(held).containsKey(id);
    }
}
