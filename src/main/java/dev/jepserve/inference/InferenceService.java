package dev.jepserve.inference;

import java.util.List;

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
}
