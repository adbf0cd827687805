package dev.jepserve.http;

import dev.jepserve.config.proto.DataType;
import dev.jepserve.config.proto.ModelConfig;
import dev.jepserve.config.proto.ModelInput;
import dev.jepserve.config.proto.ModelOutput;
import dev.jepserve.config.proto.ModelTransactionPolicy;
import dev.jepserve.inference.InferenceRequest;
import dev.jepserve.inference.InferenceResponse;
import dev.jepserve.inference.ServedModel;
import dev.jepserve.inference.Tensor;
import dev.jepserve.inference.TritonException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A model written in Java for tests: every input INPUTn comes back as OUTPUTn (same type, shape and bytes),
 * request parameters come back as response parameters, and the answer is produced on another thread.
 * An input named FAIL makes it fail with an INTERNAL error.
 */
public final class EchoModel implements ServedModel {
    private final dev.jepserve.inference.ModelStatistics statistics = new dev.jepserve.inference.ModelStatistics();
    private final String name;
    private final long version;
    private final ModelConfig config;
    private final Executor executor;
    final AtomicReference<InferenceRequest> lastRequest = new AtomicReference<>();

    EchoModel(String name, long version, ModelConfig config, Executor executor) {
        this.name = name;
        this.version = version;
        this.config = config;
        this.executor = executor;
    }

    /** INPUT0/OUTPUT0 FP32 [4] and INPUT1/OUTPUT1 BYTES [-1]; batching up to 8. */
    public static ModelConfig config(String name, int maxBatchSize) {
        return ModelConfig.newBuilder()
                .setName(name)
                .setBackend("python")
                .setMaxBatchSize(maxBatchSize)
                .addInput(ModelInput.newBuilder().setName("INPUT0").setDataType(DataType.TYPE_FP32).addDims(4))
                .addInput(ModelInput.newBuilder().setName("INPUT1").setDataType(DataType.TYPE_STRING).addDims(-1))
                .addOutput(ModelOutput.newBuilder().setName("OUTPUT0").setDataType(DataType.TYPE_FP32).addDims(4))
                .addOutput(ModelOutput.newBuilder().setName("OUTPUT1").setDataType(DataType.TYPE_STRING).addDims(-1))
                .build();
    }

    public static ModelConfig decoupledConfig(String name) {
        return config(name, 0).toBuilder()
                .setModelTransactionPolicy(ModelTransactionPolicy.newBuilder().setDecoupled(true))
                .build();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long version() {
        return version;
    }

    @Override
    public dev.jepserve.inference.ModelStatistics statistics() {
        return statistics;
    }

    @Override
    public ModelConfig config() {
        return config;
    }

    @Override
    public dev.jepserve.inference.RequestHandle infer(InferenceRequest request,
                                                      dev.jepserve.inference.ResponseSink sink) {
        lastRequest.set(request);
        return deliver(CompletableFuture.supplyAsync(() -> answer(request), executor), sink);
    }

    /** Delivers a future's outcome to the sink; the handle cancels the future. */
    static dev.jepserve.inference.RequestHandle deliver(CompletableFuture<InferenceResponse> answer,
                                                        dev.jepserve.inference.ResponseSink sink) {
        answer.whenComplete((response, error) -> {
            if (error == null) {
                sink.send(response, true);
            } else {
                Throwable cause = error instanceof java.util.concurrent.CompletionException ? error.getCause() : error;
                sink.fail(cause instanceof TritonException triton ? triton
                        : TritonException.internal(String.valueOf(cause)), true);
            }
        });
        return () -> answer.cancel(false);
    }

    private InferenceResponse answer(InferenceRequest request) {
        List<Tensor> outputs = new ArrayList<>();
        for (Tensor input : request.inputs()) {
            if (input.name().equals("FAIL")) {
                throw new TritonException(dev.jepserve.inference.TritonCode.INTERNAL, "model failed on purpose");
            }
            String outputName = input.name().replaceFirst("^INPUT", "OUTPUT");
            if (request.requestedOutputs().isEmpty() || request.requestedOutputs().contains(outputName)) {
                outputs.add(new Tensor(outputName, input.dataType(), input.shape(), input.data()));
            }
        }
        return new InferenceResponse(name, Long.toString(version), request.id(), request.parameters(), outputs);
    }
}
