package dev.jepserve.http;

import dev.jepserve.config.proto.DataType;
import dev.jepserve.config.proto.ModelConfig;
import dev.jepserve.config.proto.ModelInput;
import dev.jepserve.config.proto.ModelOutput;
import dev.jepserve.config.proto.ModelTransactionPolicy;
import dev.jepserve.inference.BytesElements;
import dev.jepserve.inference.InferenceRequest;
import dev.jepserve.inference.InferenceResponse;
import dev.jepserve.inference.ModelStatistics;
import dev.jepserve.inference.RequestHandle;
import dev.jepserve.inference.ResponseSink;
import dev.jepserve.inference.ServedModel;
import dev.jepserve.inference.Tensor;
import dev.jepserve.inference.TritonCode;
import dev.jepserve.inference.TritonException;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;

/**
 * A decoupled model written in Java for tests: it answers a PROMPT with several responses through the sink, from
 * another thread, steered by request parameters: {@code responses} (how many, default 1), {@code fail_at} (an
 * error response, not final, instead of that response), {@code empty_final} (end with an empty final response
 * rather than flagging the last one), {@code refuse} (a final error before infer returns, like a validation
 * failure), {@code hold} (answer nothing until cancelled, then a final CANCELLED error).
 */
final class StreamingModel implements ServedModel {
    private final ModelStatistics statistics = new ModelStatistics();
    private final String name;
    private final Executor executor;
    final CountDownLatch cancelled = new CountDownLatch(1);

    StreamingModel(String name, Executor executor) {
        this.name = name;
        this.executor = executor;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long version() {
        return 1;
    }

    @Override
    public ModelConfig config() {
        return ModelConfig.newBuilder()
                .setName(name)
                .setBackend("python")
                .addInput(ModelInput.newBuilder().setName("PROMPT").setDataType(DataType.TYPE_STRING).addDims(1))
                .addOutput(ModelOutput.newBuilder().setName("TEXT").setDataType(DataType.TYPE_STRING).addDims(1))
                .setModelTransactionPolicy(ModelTransactionPolicy.newBuilder().setDecoupled(true))
                .build();
    }

    @Override
    public ModelStatistics statistics() {
        return statistics;
    }

    @Override
    public RequestHandle infer(InferenceRequest request, ResponseSink sink) {
        Map<String, Object> parameters = request.parameters();
        if (Boolean.TRUE.equals(parameters.get("refuse"))) {
            sink.fail(TritonException.invalidArg("refused on purpose"), true);
            return RequestHandle.NONE;
        }
        if (Boolean.TRUE.equals(parameters.get("hold"))) {
            return () -> {
                cancelled.countDown();
                sink.fail(new TritonException(TritonCode.CANCELLED, "request cancelled"), true);
            };
        }
        long responses = (Long) parameters.getOrDefault("responses", 1L);
        long failAt = (Long) parameters.getOrDefault("fail_at", -1L);
        boolean emptyFinal = Boolean.TRUE.equals(parameters.get("empty_final"));
        String prompt = new String(BytesElements.split(request.input("PROMPT").data()).get(0), StandardCharsets.UTF_8);
        executor.execute(() -> {
            for (long i = 0; i < responses; i++) {
                boolean last = i == responses - 1 && !emptyFinal;
                if (i == failAt) {
                    sink.fail(TritonException.internal("failed at response " + i), last);
                } else {
                    sink.send(text(request, prompt + " " + i), last);
                }
            }
            if (emptyFinal || responses == 0) {
                sink.send(null, true);
            }
        });
        return RequestHandle.NONE;
    }

    private InferenceResponse text(InferenceRequest request, String text) {
        Tensor output = new Tensor("TEXT", dev.jepserve.inference.DataType.BYTES, new long[] {1},
                BytesElements.build(List.of(text.getBytes(StandardCharsets.UTF_8))));
        return new InferenceResponse(name, "1", request.id(), Map.of(), List.of(output));
    }
}
