package dev.jepserve.http.endpoints;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.jepserve.http.codec.JsonSupport;
import dev.jepserve.http.transport.Endpoint;
import dev.jepserve.http.transport.EndpointRequest;
import dev.jepserve.http.transport.HttpReplies;
import dev.jepserve.inference.InferenceService;
import dev.jepserve.inference.ModelStatistics;
import dev.jepserve.inference.ServedModel;
import dev.jepserve.inference.TritonException;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The statistics extension: {@code GET /v2/models/stats} (every ready version of every model) and
 * {@code GET /v2/models/{m}[/versions/{v}]/stats}, in Triton's member order with unsigned integers only
 * (perf_analyzer reads them as uint64).
 */
public final class StatisticsEndpoint implements Endpoint {
    private final InferenceService service;

    public StatisticsEndpoint(InferenceService service) {
        this.service = service;
    }

    @Override
    public CompletionStage<FullHttpResponse> handle(EndpointRequest request) {
        List<ServedModel> models = select(request.param("model"), request.param("version"));
        byte[] json = JsonSupport.write(gen -> {
            gen.writeStartObject();
            gen.writeArrayFieldStart("model_stats");
            for (ServedModel model : models) {
                writeModel(gen, model);
            }
            gen.writeEndArray();
            gen.writeEndObject();
        });
        return CompletableFuture.completedFuture(HttpReplies.json(HttpResponseStatus.OK, json));
    }

    private List<ServedModel> select(String name, String version) {
        if (name == null) {
            return service.readyModels();
        }
        try {
            return version == null ? service.readyVersions(name) : List.of(service.model(name, version));
        } catch (TritonException e) {
            // Triton answers statistics of missing models with INVALID_ARG (400) and these texts.
            throw TritonException.invalidArg(version == null
                    ? "requested model '" + name + "' is not available"
                    : "requested model version is not available for model '" + name + "'");
        }
    }

    private static void writeModel(JsonGenerator gen, ServedModel model) throws IOException {
        ModelStatistics.Snapshot stats = model.statistics().snapshot();
        gen.writeStartObject();
        gen.writeStringField("name", model.name());
        gen.writeStringField("version", Long.toString(model.version()));
        gen.writeNumberField("last_inference", stats.lastInferenceMillis());
        gen.writeNumberField("inference_count", stats.inferenceCount());
        gen.writeNumberField("execution_count", stats.executionCount());
        gen.writeObjectFieldStart("inference_stats");
        writeDuration(gen, "success", stats.success());
        writeDuration(gen, "fail", stats.fail());
        writeDuration(gen, "queue", stats.queue());
        writeDuration(gen, "compute_input", stats.computeInput());
        writeDuration(gen, "compute_infer", stats.computeInfer());
        writeDuration(gen, "compute_output", stats.computeOutput());
        writeDuration(gen, "cache_hit", new ModelStatistics.Duration(0, 0));
        writeDuration(gen, "cache_miss", new ModelStatistics.Duration(0, 0));
        gen.writeEndObject();
        gen.writeObjectFieldStart("response_stats");
        for (ModelStatistics.ResponseStats response : stats.responseStats()) {
            gen.writeObjectFieldStart(Integer.toString(response.index()));
            writeDuration(gen, "compute_infer", response.computeInfer());
            writeDuration(gen, "compute_output", response.computeOutput());
            writeDuration(gen, "success", response.success());
            writeDuration(gen, "fail", response.fail());
            writeDuration(gen, "empty_response", response.emptyResponse());
            writeDuration(gen, "cancel", response.cancel());
            gen.writeEndObject();
        }
        gen.writeEndObject();
        gen.writeArrayFieldStart("batch_stats");
        for (ModelStatistics.BatchStats batch : stats.batchStats()) {
            gen.writeStartObject();
            gen.writeNumberField("batch_size", batch.batchSize());
            writeDuration(gen, "compute_input", batch.computeInput());
            writeDuration(gen, "compute_infer", batch.computeInfer());
            writeDuration(gen, "compute_output", batch.computeOutput());
            gen.writeEndObject();
        }
        gen.writeEndArray();
        gen.writeArrayFieldStart("memory_usage");
        gen.writeEndArray();
        gen.writeEndObject();
    }

    private static void writeDuration(JsonGenerator gen, String name, ModelStatistics.Duration duration)
            throws IOException {
        gen.writeObjectFieldStart(name);
        gen.writeNumberField("count", duration.count());
        gen.writeNumberField("ns", duration.ns());
        gen.writeEndObject();
    }
}
