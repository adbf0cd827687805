package dev.jepserve.grpc;

import dev.jepserve.grpc.proto.RepositoryIndexResponse;
import dev.jepserve.grpc.proto.RepositoryModelLoadResponse;
import dev.jepserve.grpc.proto.RepositoryModelUnloadResponse;
import dev.jepserve.inference.InferenceService;
import dev.jepserve.inference.RepositoryIndexEntry;
import dev.jepserve.inference.TritonCode;
import dev.jepserve.inference.TritonException;

/**
 * The model repository extension: the index lists every model and version with its state; load and unload are
 * refused as Triton refuses them outside explicit model control (the server runs in Triton's "none" mode).
 */
final class RepositoryRpcs {
    static final String CONTROL_REFUSED = "explicit model load / unload is not allowed if polling is enabled";

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

    RepositoryModelLoadResponse load(String repositoryName) {
        refuseRepositoryName(repositoryName);
        throw TritonException.unavailable(CONTROL_REFUSED);
    }

    RepositoryModelUnloadResponse unload(String repositoryName) {
        refuseRepositoryName(repositoryName);
        throw TritonException.unavailable(CONTROL_REFUSED);
    }

    private static void refuseRepositoryName(String repositoryName) {
        if (!repositoryName.isEmpty()) {
            throw new TritonException(TritonCode.UNSUPPORTED, "'repository_name' specification is not supported");
        }
    }
}
