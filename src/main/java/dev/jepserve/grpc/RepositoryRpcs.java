package dev.jepserve.grpc;

import dev.jepserve.grpc.proto.ModelRepositoryParameter;
import dev.jepserve.grpc.proto.RepositoryIndexResponse;
import dev.jepserve.grpc.proto.RepositoryModelLoadResponse;
import dev.jepserve.grpc.proto.RepositoryModelUnloadResponse;
import dev.jepserve.inference.InferenceService;
import dev.jepserve.inference.ModelLoadParameters;
import dev.jepserve.inference.RepositoryIndexEntry;
import dev.jepserve.inference.TritonCode;
import dev.jepserve.inference.TritonException;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The model repository extension: the index lists every model and version with its state; load and unload
 * change them in explicit model control mode and are refused with Triton's text in the other modes.
 */
final class RepositoryRpcs {
    private final InferenceService service;

    RepositoryRpcs(InferenceService service) {
        this.service = service;
    }

    RepositoryIndexResponse index(String repositoryName, boolean readyOnly) {
        refuseRepositoryName(repositoryName);
        RepositoryIndexResponse.Builder index = RepositoryIndexResponse.newBuilder();
        for (RepositoryIndexEntry entry : service.repositoryIndex()) {
            if (readyOnly && !"READY".equals(entry.state())) {
                continue;
            }
            index.addModels(RepositoryIndexResponse.ModelIndex.newBuilder().setName(entry.name())
                    .setVersion(entry.version()).setState(entry.state()).setReason(entry.reason()));
        }
        return index.build();
    }

    /** Completes once the model loaded: {@code config} as string_param, {@code file:<path>} as bytes_param. */
    CompletableFuture<RepositoryModelLoadResponse> load(String repositoryName, String model,
                                                        Map<String, ModelRepositoryParameter> parameters) {
        refuseRepositoryName(repositoryName);
        String config = null;
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (Map.Entry<String, ModelRepositoryParameter> parameter : parameters.entrySet()) {
            String key = parameter.getKey();
            ModelRepositoryParameter value = parameter.getValue();
            if (key.equals("config")) {
                if (value.getParameterChoiceCase() != ModelRepositoryParameter.ParameterChoiceCase.STRING_PARAM) {
                    throw TritonException.invalidArg("Config parameter 'config' must have string type for its value");
                }
                config = value.getStringParam();
            } else if (key.startsWith(ModelLoadParameters.FILE_PREFIX)) {
                if (value.getParameterChoiceCase() != ModelRepositoryParameter.ParameterChoiceCase.BYTES_PARAM) {
                    throw TritonException.invalidArg("File parameter '" + key + "' must have bytes type for its value");
                }
                files.put(key, value.getBytesParam().toByteArray());
            } else {
                throw TritonException.invalidArg("Unrecognized load parameter '" + key + "'");
            }
        }
        return service.loadModel(model, new ModelLoadParameters(config, files))
                .thenApply(ignored -> RepositoryModelLoadResponse.getDefaultInstance());
    }

    /** Starts the unload; {@code unload_dependents} as bool_param. */
    RepositoryModelUnloadResponse unload(String repositoryName, String model,
                                         Map<String, ModelRepositoryParameter> parameters) {
        refuseRepositoryName(repositoryName);
        ModelRepositoryParameter dependents = parameters.get("unload_dependents");
        service.unloadModel(model, dependents != null && dependents.getBoolParam());
        return RepositoryModelUnloadResponse.getDefaultInstance();
    }

    private static void refuseRepositoryName(String repositoryName) {
        if (!repositoryName.isEmpty()) {
            throw new TritonException(TritonCode.UNSUPPORTED, "'repository_name' specification is not supported");
        }
    }
}
