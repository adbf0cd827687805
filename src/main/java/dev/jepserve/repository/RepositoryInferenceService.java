package dev.jepserve.repository;

import dev.jepserve.inference.InferenceService;
import dev.jepserve.inference.RepositoryIndexEntry;
import dev.jepserve.inference.ServedModel;
import dev.jepserve.inference.TritonException;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

/** The protocol-facing view of the server: health, metadata and model lookup with Triton's error texts. */
public final class RepositoryInferenceService implements InferenceService {
    /** Only what this server implements; perf_analyzer and clients decide by this list. */
    private static final List<String> EXTENSIONS = List.of("classification", "model_configuration", "binary_tensor_data", "parameters",
            "statistics", "trace", "logging");

    private final ModelRepository repository;
    private final String serverName;
    private final String serverVersion;
    private final BooleanSupplier serving;
    private final boolean strictReadiness;

    /**
     * @param serving         false once the server starts shutting down
     * @param strictReadiness ready only when every model version is ready (Triton's default)
     */
    public RepositoryInferenceService(ModelRepository repository, String serverName, String serverVersion,
                                      BooleanSupplier serving, boolean strictReadiness) {
        this.repository = repository;
        this.serverName = serverName;
        this.serverVersion = serverVersion;
        this.serving = serving;
        this.strictReadiness = strictReadiness;
    }

    @Override
    public String serverName() {
        return serverName;
    }

    @Override
    public String serverVersion() {
        return serverVersion;
    }

    @Override
    public List<String> extensions() {
        return EXTENSIONS;
    }

    @Override
    public boolean isLive() {
        return serving.getAsBoolean();
    }

    @Override
    public boolean isReady() {
        return serving.getAsBoolean() && (!strictReadiness || repository.allReady());
    }

    @Override
    public ServedModel model(String name, String version) {
        LoadedModel model = knownModel(name);
        if (version == null || version.isEmpty()) {
            VersionStatus latest = null;
            for (VersionStatus status : model.versions()) {
                if (status.isReady()) {
                    latest = status;
                }
            }
            if (latest == null) {
                throw TritonException.notFound("Request for unknown model: '" + name + "' has no available versions");
            }
            return latest.runtime();
        }
        long number = parseVersion(version);
        for (VersionStatus status : model.versions()) {
            if (status.version() == number) {
                if (!status.isReady()) {
                    throw TritonException.unavailable("Request for unknown model: '" + name + "' version " + number
                            + " is not at ready state");
                }
                return status.runtime();
            }
        }
        throw TritonException.notFound("Request for unknown model: '" + name + "' version " + number + " is not found");
    }

    @Override
    public List<ServedModel> readyVersions(String name) {
        List<ServedModel> ready = knownModel(name).versions().stream().filter(VersionStatus::isReady)
                .map(status -> (ServedModel) status.runtime()).toList();
        if (ready.isEmpty()) {
            throw TritonException.notFound("Request for unknown model: '" + name + "' has no available versions");
        }
        return ready;
    }

    @Override
    public List<ServedModel> readyModels() {
        return repository.models().values().stream().flatMap(model -> model.versions().stream())
                .filter(VersionStatus::isReady).map(status -> (ServedModel) status.runtime()).toList();
    }

    @Override
    public boolean isModelReady(String name, String version) {
        try {
            return model(name, version) != null;
        } catch (TritonException e) {
            return false;
        }
    }

    @Override
    public List<RepositoryIndexEntry> repositoryIndex() {
        List<RepositoryIndexEntry> entries = new ArrayList<>();
        for (LoadedModel model : new TreeMap<>(repository.models()).values()) {
            if (model.versions().isEmpty()) {
                entries.add(new RepositoryIndexEntry(model.name(), "", "", ""));
            }
            for (VersionStatus status : model.versions()) {
                String version = status.version() < 0 ? "" : Long.toString(status.version());
                entries.add(new RepositoryIndexEntry(model.name(), version, status.state().name(), status.reason()));
            }
        }
        return entries;
    }

    private LoadedModel knownModel(String name) {
        LoadedModel model = repository.model(name);
        if (model == null) {
            throw TritonException.notFound("Request for unknown model: '" + name + "' is not found");
        }
        return model;
    }

    private static long parseVersion(String version) {
        try {
            long number = Long.parseLong(version);
            if (number > 0) {
                return number;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw TritonException.invalidArg("failed to get model version from specified version string '" + version
                + "' (details: not a positive integer), version should be an integral value > 0");
    }
}
