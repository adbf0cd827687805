package dev.jepserve.inference;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** What the protocol front ends (HTTP, later gRPC) call: the server seen without any wire format. */
public interface InferenceService {
    /** The server's name as reported in server metadata ("triton" by default). */
    String serverName();

    String serverVersion();

    /** Protocol extensions advertised in server metadata. */
    List<String> extensions();

    boolean isLive();

    /** Ready: serving, and every model the repository knows has its versions ready. */
    boolean isReady();

    /**
     * The ready version to serve: {@code version} when given, else the highest ready version.
     *
     * @param version the version string from the URL, or null/empty for the server's choice
     * @throws TritonException NOT_FOUND/UNAVAILABLE/INVALID_ARG with Triton's texts
     */
    ServedModel model(String name, String version);

    /** All versions of the model that are ready, ascending. Throws like {@link #model}. */
    List<ServedModel> readyVersions(String name);

    /** Every ready version of every model: by model name, then ascending version. */
    List<ServedModel> readyModels();

    /** Whether that model (version) is ready; false rather than throwing for unknown models. */
    boolean isModelReady(String name, String version);

    /**
     * The repository index: every model the repository knows and each of its versions with its state, models
     * by name, versions ascending. By default, the ready versions only.
     */
    default List<RepositoryIndexEntry> repositoryIndex() {
        return readyModels().stream().map(model -> new RepositoryIndexEntry(model.name(),
                Long.toString(model.version()), "READY", "")).toList();
    }

    /** Where the front ends decode large inputs to: buffers reused from request to request. */
    default InputBufferPool inputBuffers() {
        return InputBufferPool.unpooled();
    }

    /** Refused the way Triton refuses it outside explicit model control. */
    String CONTROL_REFUSED = "explicit model load / unload is not allowed if polling is enabled";

    /**
     * The repository extension's load: completes when the model (re)loaded, or exceptionally with Triton's
     * error. Refusals that need no work (wrong control mode, bad parameters) may be thrown at once.
     */
    default CompletableFuture<Void> loadModel(String name, ModelLoadParameters parameters) {
        throw TritonException.unavailable(CONTROL_REFUSED);
    }

    /** The repository extension's unload: starts it and returns (in-flight requests finish first). */
    default void unloadModel(String name, boolean unloadDependents) {
        throw TritonException.unavailable(CONTROL_REFUSED);
    }

    /**
     * Whether that model (version) is ready, its own {@code is_ready()} included: the model-ready endpoints.
     * Completes with false for a known version that is not ready; exceptionally (Triton's errors) for unknown
     * models and versions.
     */
    default CompletableFuture<Boolean> modelReadiness(String name, String version) {
        if (isModelReady(name, version)) {
            return CompletableFuture.completedFuture(true);
        }
        model(name, version);
        return CompletableFuture.completedFuture(false);
    }

    /** Server readiness, models' own {@code is_ready()} included where strict readiness asks for it. */
    default CompletableFuture<Boolean> readiness() {
        return CompletableFuture.completedFuture(isReady());
    }
}
