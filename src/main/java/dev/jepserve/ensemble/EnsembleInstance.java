package dev.jepserve.ensemble;

import dev.jepserve.config.proto.ModelConfig;
import dev.jepserve.inference.ExecutionTimes;
import dev.jepserve.inference.InferenceService;
import dev.jepserve.inference.ModelInstance;
import dev.jepserve.inference.ScheduledRequest;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** The one instance of an ensemble version: each request becomes an {@link EnsembleRun}; execute returns at once. */
final class EnsembleInstance implements ModelInstance {
    private final String name;
    private final String version;
    private final EnsembleGraph graph;
    private final Supplier<InferenceService> service;

    EnsembleInstance(String name, String version, ModelConfig config, Supplier<InferenceService> service) {
        this.name = name;
        this.version = version;
        this.graph = EnsembleGraph.of(config);
        this.service = service;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CompletableFuture<ExecutionTimes> execute(List<ScheduledRequest> batch) {
        for (ScheduledRequest request : batch) {
            new EnsembleRun(name, version, graph, service.get(), request).start();
        }
        return CompletableFuture.completedFuture(ExecutionTimes.NONE);
    }
}
