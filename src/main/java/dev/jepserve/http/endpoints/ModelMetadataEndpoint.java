package dev.jepserve.http.endpoints;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.jepserve.config.proto.ModelConfig;
import dev.jepserve.config.proto.ModelInput;
import dev.jepserve.config.proto.ModelOutput;
import dev.jepserve.http.codec.JsonSupport;
import dev.jepserve.http.transport.Endpoint;
import dev.jepserve.http.transport.EndpointRequest;
import dev.jepserve.http.transport.HttpReplies;
import dev.jepserve.inference.DataType;
import dev.jepserve.inference.InferenceService;
import dev.jepserve.inference.ServedModel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code GET /v2/models/{m}[/versions/{v}]}: name, versions, platform, inputs, outputs (that order).
 * Versions are the one in the URL, or every ready version; a batching model's shapes start with -1.
 */
public final class ModelMetadataEndpoint implements Endpoint {
    private final InferenceService service;

    public ModelMetadataEndpoint(InferenceService service) {
        this.service = service;
    }

    @Override
    public CompletionStage<FullHttpResponse> handle(EndpointRequest request) {
        String name = request.param("model");
        String version = request.param("version");
        ServedModel model = service.model(name, version);
        List<String> versions = new ArrayList<>();
        if (version != null) {
            versions.add(Long.toString(model.version()));
        } else {
            for (ServedModel ready : service.readyVersions(name)) {
                versions.add(Long.toString(ready.version()));
            }
        }
        return CompletableFuture.completedFuture(HttpReplies.json(HttpResponseStatus.OK, render(model, versions)));
    }

    static byte[] render(ServedModel model, List<String> versions) {
        ModelConfig config = model.config();
        boolean batching = config.getMaxBatchSize() > 0;
        return JsonSupport.write(gen -> {
            gen.writeStartObject();
            gen.writeStringField("name", model.name());
            gen.writeArrayFieldStart("versions");
            for (String version : versions) {
                gen.writeString(version);
            }
            gen.writeEndArray();
            gen.writeStringField("platform", config.getPlatform().isEmpty() ? config.getBackend() : config.getPlatform());
            gen.writeArrayFieldStart("inputs");
            for (ModelInput input : config.getInputList()) {
                writeTensor(gen, input.getName(), input.getDataType(), input.getDimsList(), batching);
            }
            gen.writeEndArray();
            gen.writeArrayFieldStart("outputs");
            for (ModelOutput output : config.getOutputList()) {
                writeTensor(gen, output.getName(), output.getDataType(), output.getDimsList(), batching);
            }
            gen.writeEndArray();
            gen.writeEndObject();
        });
    }

    private static void writeTensor(JsonGenerator gen, String name, dev.jepserve.config.proto.DataType configType,
                                    List<Long> dims, boolean batching) throws IOException {
        DataType type = DataType.fromConfig(configType);
        gen.writeStartObject();
        gen.writeStringField("name", name);
        gen.writeStringField("datatype", type == null ? "INVALID" : type.protocolName());
        gen.writeArrayFieldStart("shape");
        if (batching) {
            gen.writeNumber(-1);
        }
        for (long dim : dims) {
            gen.writeNumber(dim);
        }
        gen.writeEndArray();
        gen.writeEndObject();
    }
}
