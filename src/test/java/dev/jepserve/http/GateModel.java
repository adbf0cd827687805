package dev.jepserve.http;

import dev.jepserve.config.proto.ModelConfig;
import dev.jepserve.inference.InferenceRequest;
import dev.jepserve.inference.InferenceResponse;
import dev.jepserve.inference.ServedModel;
import dev.jepserve.inference.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A model whose answers the test releases by hand, to hold requests in flight. */
final class GateModel implements ServedModel {
    private final dev.jepserve.inference.ModelStatistics statistics = new dev.jepserve.inference.ModelStatistics();
    record Pending(InferenceRequest request, CompletableFuture<InferenceResponse> answer) {
        /** Answers with the inputs echoed back under their own names. */
        void echo() {
            List<Tensor> outputs = new ArrayList<>(request.inputs());
            answer.complete(new InferenceResponse(request.modelName(), "1", request.id(), request.parameters(), outputs));
        }
    }

    private final String name;
    private final ModelConfig config;
    private final BlockingQueue<Pending> pending = new LinkedBlockingQueue<>();

    GateModel(String name) {
        this.name = name;
        this.config = EchoModel.config(name, 0);
    }

    /** The next request the model received, waiting up to 10 s for it. */
    Pending next() throws InterruptedException {
        Pending next = pending.poll(10, TimeUnit.SECONDS);
        if (next == null) {
            throw new AssertionError("no request reached " + name);
        }
        return next;
    }

    /** The next request the model received, or null when none has arrived yet. */
    Pending poll() {
        return pending.poll();
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
        CompletableFuture<InferenceResponse> answer = new CompletableFuture<>();
        pending.add(new Pending(request, answer));
        return EchoModel.deliver(answer, sink);
    }
}
