package dev.jepserve.grpc;

import com.google.protobuf.ByteString;
import dev.jepserve.grpc.proto.GRPCInferenceServiceGrpc;
import dev.jepserve.grpc.proto.ModelInferRequest;
import dev.jepserve.grpc.proto.ModelInferResponse;
import dev.jepserve.inference.DataType;
import dev.jepserve.inference.InferenceResponse;
import dev.jepserve.inference.RequestHandle;
import dev.jepserve.inference.Tensor;
import dev.jepserve.inference.TritonException;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import dev.jepserve.logging.LogController;
import dev.jepserve.logging.LogOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The unary ModelInfer RPC through a real server and channel, with scripted models. */
class ModelInferRpcTest {
    private final CountDownLatch slowCancelled = new CountDownLatch(1);
    /** The thread each "where" request was submitted on. */
    private final List<String> submittingThreads = new CopyOnWriteArrayList<>();
    private GrpcServer server;
    private ManagedChannel channel;
    private GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub;

    @BeforeEach
    void start() throws Exception {
        ScriptedService service = new ScriptedService()
                .add(new ScriptedModel("echo", false, (request, sink) -> {
                    // Answers from another thread, as a model instance does: the input back as the output.
                    Tensor input = request.inputs().get(0);
                    new Thread(() -> sink.send(new InferenceResponse("echo", "1", request.id(), Map.of("p", 1L),
                            List.of(new Tensor("OUT", input.dataType(), input.shape(), input.data()))), true)).start();
                    return RequestHandle.NONE;
                }))
                .add(new ScriptedModel("failing", false, (request, sink) -> {
                    sink.fail(TritonException.invalidArg("[request id: <id_unknown>] bad input"), true);
                    return RequestHandle.NONE;
                }))
                .add(new ScriptedModel("where", false, (request, sink) -> {
                    submittingThreads.add(Thread.currentThread().getName());
                    Tensor input = request.inputs().get(0);
                    sink.send(new InferenceResponse("where", "1", request.id(), Map.of(),
                            List.of(new Tensor("OUT", input.dataType(), input.shape(), input.data()))), true);
                    return RequestHandle.NONE;
                }))
                .add(new ScriptedModel("slow", false, (request, sink) -> slowCancelled::countDown))
                .add(new ScriptedModel("decoupled", true, (request, sink) -> RequestHandle.NONE));
        server = new GrpcServer(service, GrpcServerOptions.defaults("127.0.0.1", 0),
                LogController.install(LogOptions.defaults()));
        int port = server.start().getPort();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        stub = GRPCInferenceServiceGrpc.newBlockingStub(channel);
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.stop(5000);
    }

    private static ModelInferRequest request(String model) {
        ModelInferRequest.Builder request = ModelInferRequest.newBuilder().setModelName(model).setId("r");
        request.addInputsBuilder().setName("IN").setDatatype("INT32").addShape(2);
        request.addRawInputContents(ByteString.copyFrom(new byte[] {1, 0, 0, 0, 2, 0, 0, 0}));
        return request.build();
    }

    @Test
    void answersWithRawOutputsAndResponseParameters() {
        ModelInferResponse response = stub.modelInfer(request("echo"));
        assertThat(response.getId()).isEqualTo("r");
        assertThat(response.getOutputs(0).getDatatype()).isEqualTo(DataType.INT32.protocolName());
        assertThat(response.getRawOutputContents(0).toByteArray()).containsExactly(1, 0, 0, 0, 2, 0, 0, 0);
        assertThat(response.getParametersOrThrow("p").getInt64Param()).isEqualTo(1);
    }

    @Test
    void modelInferIsSubmittedFromTheEventLoopWithoutAHopToThePool() {
        // Small and large answers (encoded on the event loop and on the pool) both arrive.
        ModelInferRequest large = request("where").toBuilder().setInputs(0, request("where").getInputs(0).toBuilder()
                .setShape(0, 50_000)).setRawInputContents(0, ByteString.copyFrom(new byte[200_000])).build();
        assertThat(stub.modelInfer(request("where")).getRawOutputContents(0).size()).isEqualTo(8);
        assertThat(stub.modelInfer(large).getRawOutputContents(0).size()).isEqualTo(200_000);
        assertThat(submittingThreads).hasSize(2).allSatisfy(name -> assertThat(name).startsWith("jepserve-grpc-io"));
    }

    @Test
    void aModelErrorBecomesItsStatus() {
        assertThatThrownBy(() -> stub.modelInfer(request("failing")))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).isEqualTo("[request id: <id_unknown>] bad input");
                });
    }

    @Test
    void decoupledModelsAreRefused() {
        assertThatThrownBy(() -> stub.modelInfer(request("decoupled")))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
                    assertThat(e.getStatus().getDescription()).isEqualTo(ModelInferRpc.DECOUPLED_REFUSED);
                });
    }

    @Test
    void aCallThatGivesUpCancelsItsRequest() throws Exception {
        assertThatThrownBy(() -> stub.withDeadlineAfter(200, TimeUnit.MILLISECONDS).modelInfer(request("slow")))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
        assertThat(slowCancelled.await(5, TimeUnit.SECONDS)).isTrue();
    }
}
