package dev.jepserve.grpc;

import dev.jepserve.config.proto.ModelConfig;
import dev.jepserve.config.proto.ModelInput;
import dev.jepserve.config.proto.ModelOutput;
import dev.jepserve.grpc.proto.ModelConfigResponse;
import dev.jepserve.grpc.proto.ModelMetadataResponse;
import dev.jepserve.grpc.proto.ModelReadyResponse;
import dev.jepserve.grpc.proto.ServerLiveResponse;
import dev.jepserve.grpc.proto.ServerMetadataResponse;
import dev.jepserve.grpc.proto.ServerReadyResponse;
import dev.jepserve.inference.DataType;
import dev.jepserve.inference.InferenceService;
import dev.jepserve.inference.ServedModel;

import java.util.List;
import java.util.concurrent.CompletionStage;

/** ServerLive, ServerReady, ModelReady, ServerMetadata, ModelMetadata and ModelConfig: the same answers as HTTP. */
final class HealthAndMetadataRpcs {
    private final InferenceService service;

    HealthAndMetadataRpcs(InferenceService service) {
        this.service = service;
    }

    ServerLiveResponse serverLive() {
        return ServerLiveResponse.newBuilder().setLive(service.isLive()).build();
    }

    CompletionStage<ServerReadyResponse> serverReady() {
        return service.readiness().exceptionally(error -> false)
                .thenApply(ready -> ServerReadyResponse.newBuilder().setReady(ready).build());
    }

    /**
     * True when ready (its own is_ready() included); false for a known version that is not; unknown models and
     * versions are errors (NOT_FOUND, Triton's text).
     */
    CompletionStage<ModelReadyResponse> modelReady(String name, String version) {
        return service.modelReadiness(name, version)
                .thenApply(ready -> ModelReadyResponse.newBuilder().setReady(ready).build());
    }

    ServerMetadataResponse serverMetadata() {
        return ServerMetadataResponse.newBuilder().setName(service.serverName()).setVersion(service.serverVersion())
                .addAllExtensions(service.extensions()).build();
    }

    /** Versions: the one asked for, else every ready version; a batching model's shapes start with -1. */
    ModelMetadataResponse modelMetadata(String name, String version) {
        ServedModel model = service.model(name, version);
        ModelConfig config = model.config();
        ModelMetadataResponse.Builder metadata = ModelMetadataResponse.newBuilder().setName(model.name())
                .setPlatform(config.getPlatform().isEmpty() ? config.getBackend() : config.getPlatform());
        if (!version.isEmpty()) {
            metadata.addVersions(Long.toString(model.version()));
        } else {
            for (ServedModel ready : service.readyVersions(name)) {
                metadata.addVersions(Long.toString(ready.version()));
            }
        }
        boolean batching = config.getMaxBatchSize() > 0;
        for (ModelInput input : config.getInputList()) {
            metadata.addInputs(tensor(input.getName(), input.getDataType(), input.getDimsList(), batching));
        }
        for (ModelOutput output : config.getOutputList()) {
            metadata.addOutputs(tensor(output.getName(), output.getDataType(), output.getDimsList(), batching));
        }
        return metadata.build();
    }

    /** The normalized config itself: tritonclient parses it as Triton's inference.ModelConfig. */
    ModelConfigResponse modelConfig(String name, String version) {
        return ModelConfigResponse.newBuilder().setConfig(service.model(name, version).config()).build();
    }

    private static ModelMetadataResponse.TensorMetadata tensor(String name,
                                                               dev.jepserve.config.proto.DataType configType,
                                                               List<Long> dims, boolean batching) {
        DataType type = DataType.fromConfig(configType);
        ModelMetadataResponse.TensorMetadata.Builder tensor = ModelMetadataResponse.TensorMetadata.newBuilder()
                .setName(name).setDatatype(type == null ? "INVALID" : type.protocolName());
        if (batching) {
            tensor.addShape(-1);
        }
        return tensor.addAllShape(dims).build();
    }
}
