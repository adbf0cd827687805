package dev.jepserve.grpc;

import dev.jepserve.grpc.proto.InferBatchStatistics;
import dev.jepserve.grpc.proto.InferResponseStatistics;
import dev.jepserve.grpc.proto.InferStatistics;
import dev.jepserve.grpc.proto.ModelStatistics;
import dev.jepserve.grpc.proto.ModelStatisticsResponse;
import dev.jepserve.grpc.proto.StatisticDuration;
import dev.jepserve.inference.InferenceService;
import dev.jepserve.inference.ServedModel;
import dev.jepserve.inference.TritonException;

import java.util.List;

/** ModelStatistics: the statistics extension's numbers (response_stats keyed by response index), from the domain's per-version statistics. */
final class StatisticsRpc {
    private static final StatisticDuration ZERO = StatisticDuration.getDefaultInstance();

    private final InferenceService service;

    StatisticsRpc(InferenceService service) {
        this.service = service;
    }

    /** An empty name: every ready version of every model; an empty version: every ready version of the model. */
    ModelStatisticsResponse statistics(String name, String version) {
        ModelStatisticsResponse.Builder response = ModelStatisticsResponse.newBuilder();
        for (ServedModel model : select(name, version)) {
            response.addModelStats(model(model));
        }
        return response.build();
    }

    private List<ServedModel> select(String name, String version) {
        if (name.isEmpty()) {
            return service.readyModels();
        }
        try {
            return version.isEmpty() ? service.readyVersions(name) : List.of(service.model(name, version));
        } catch (TritonException e) {
            // Triton answers statistics of missing models with INVALID_ARG and these texts.
            throw TritonException.invalidArg(version.isEmpty()
                    ? "requested model '" + name + "' is not available"
                    : "requested model version is not available for model '" + name + "'");
        }
    }

    static ModelStatistics model(ServedModel model) {
        dev.jepserve.inference.ModelStatistics.Snapshot stats = model.statistics().snapshot();
        ModelStatistics.Builder message = ModelStatistics.newBuilder()
                .setName(model.name())
                .setVersion(Long.toString(model.version()))
                .setLastInference(stats.lastInferenceMillis())
                .setInferenceCount(stats.inferenceCount())
                .setExecutionCount(stats.executionCount())
                .setInferenceStats(InferStatistics.newBuilder()
                        .setSuccess(duration(stats.success()))
                        .setFail(duration(stats.fail()))
                        .setQueue(duration(stats.queue()))
                        .setComputeInput(duration(stats.computeInput()))
                        .setComputeInfer(duration(stats.computeInfer()))
                        .setComputeOutput(duration(stats.computeOutput()))
                        .setCacheHit(ZERO)
                        .setCacheMiss(ZERO));
        for (dev.jepserve.inference.ModelStatistics.ResponseStats byIndex : stats.responseStats()) {
            message.putResponseStats(Integer.toString(byIndex.index()), InferResponseStatistics.newBuilder()
                    .setComputeInfer(duration(byIndex.computeInfer()))
                    .setComputeOutput(duration(byIndex.computeOutput()))
                    .setSuccess(duration(byIndex.success()))
                    .setFail(duration(byIndex.fail()))
                    .setEmptyResponse(duration(byIndex.emptyResponse()))
                    .setCancel(duration(byIndex.cancel()))
                    .build());
        }
        for (dev.jepserve.inference.ModelStatistics.BatchStats batch : stats.batchStats()) {
            message.addBatchStats(InferBatchStatistics.newBuilder()
                    .setBatchSize(batch.batchSize())
                    .setComputeInput(duration(batch.computeInput()))
                    .setComputeInfer(duration(batch.computeInfer()))
                    .setComputeOutput(duration(batch.computeOutput())));
        }
        return message.build();
    }

    private static StatisticDuration duration(dev.jepserve.inference.ModelStatistics.Duration duration) {
        return StatisticDuration.newBuilder().setCount(duration.count()).setNs(duration.ns()).build();
    }
}
