package dev.jepserve.grpc;

import dev.jepserve.config.proto.ModelConfig;
import dev.jepserve.config.proto.ModelTransactionPolicy;
import dev.jepserve.inference.InferenceRequest;
import dev.jepserve.inference.ModelStatistics;
import dev.jepserve.inference.RequestHandle;
import dev.jepserve.inference.ResponseSink;
import dev.jepserve.inference.ServedModel;

/** A model whose answers a test scripts: what it does with each request and its sink. */
final class ScriptedModel implements ServedModel {
    /** What the model does with one request. */
    @FunctionalInterface
    interface Script {
        RequestHandle run(InferenceRequest request, ResponseSink sink);
    }

    private final String name;
    private final ModelConfig config;
    private final Script script;
    private final ModelStatistics statistics = new ModelStatistics();

    ScriptedModel(String name, boolean decoupled, Script script) {
        this.name = name;
        this.config = ModelConfig.newBuilder().setName(name).setBackend("python")
                .setModelTransactionPolicy(ModelTransactionPolicy.newBuilder().setDecoupled(decoupled)).build();
        this.script = script;
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
        return config;
    }

    @Override
    public ModelStatistics statistics() {
        return statistics;
    }

    @Override
    public RequestHandle infer(InferenceRequest request, ResponseSink sink) {
        return script.run(request, sink);
    }
}
