package dev.jepserve.repository;

import dev.jepserve.inference.InferenceService;
import dev.jepserve.inference.InputBufferPool;
import dev.jepserve.inference.ModelLoadParameters;
import dev.jepserve.inference.RepositoryIndexEntry;
import dev.jepserve.inference.ServedModel;
import dev.jepserve.inference.TritonException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** The protocol-facing view of the server: health, metadata and model lookup with Triton's error texts. */
public final class RepositoryInferenceService implements InferenceService {
    /** Only what this server implements; perf_analyzer and clients decide by this list. */
    private static final List<String> EXTENSIONS = List.of("classification", "model_repository",
            "model_repository(unload_dependents)", "model_configuration", "binary_tensor_data", "parameters",
            "statistics", "trace", "logging");
    /** Triton's limit for a model's own is_ready(): slower means not ready. */
    static final long USER_READY_TIMEOUT_MILLIS = 5000;

    private final ModelRepository repository;
    private final ModelController controller;
    private final VersionLookup lookup;
    private final String serverName;
    private final String serverVersion;
    private final BooleanSupplier serving;
    private final boolean strictReadiness;
    /** Idle input buffers are kept up to 128 MiB: sixteen 4 MB requests of two inputs each. */
    private final InputBufferPool inputBuffers = new InputBufferPool(128L << 20);

    /**
     * @param serving         false once the server starts shutting down
     * @param strictReadiness ready only when every model version is ready (Triton's default)
     */
    public RepositoryInferenceService(ModelRepository repository, ModelController controller, String serverName,
                                      String serverVersion, BooleanSupplier serving, boolean strictReadiness) {
        this.repository = repository;
        this.controller = controller;
        this.lookup = new VersionLookup(repository);
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

    /** As {@link #isReady()}, and with strict readiness every ready version's own is_ready() says so too. */
    @Override
    public CompletableFuture<Boolean> readiness() {
        if (!isReady()) {
            return CompletableFuture.completedFuture(false);
        }
        if (!strictReadiness) {
            return CompletableFuture.completedFuture(true);
        }
        List<CompletableFuture<Boolean>> checks = readyModels().stream().map(RepositoryInferenceService::userReady)
                .toList();
        return CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new))
                .thenApply(ignored -> checks.stream().allMatch(CompletableFuture::join));
    }

    @Override
    public ServedModel model(String name, String version) {
        return lookup.find(name, version);
    }

    @Override
    public List<ServedModel> readyVersions(String name) {
        List<ServedModel> ready = lookup.known(name).versions().stream().filter(VersionStatus::isReady)
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

    /** Ready, and the model's own is_ready() (5 s at most; failing or late means not ready). */
    @Override
    public CompletableFuture<Boolean> modelReadiness(String name, String version) {
        ServedModel model;
        try {
            model = model(name, version);
        } catch (TritonException e) {
            // A known model or version that is not ready answers false; unknown ones keep Triton's error.
            LoadedModel known = repository.model(name);
            boolean knownVersion = known != null && (version == null || version.isEmpty()
                    || known.versions().stream().anyMatch(status -> Long.toString(status.version()).equals(version)));
            if (!knownVersion) {
                throw e;
            }
            return CompletableFuture.completedFuture(false);
        }
        return userReady(model);
    }

    private static CompletableFuture<Boolean> userReady(ServedModel model) {
        return model.userReady().completeOnTimeout(false, USER_READY_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
                .exceptionally(error -> false);
    }

    @Override
    public CompletableFuture<Void> loadModel(String name, ModelLoadParameters parameters) {
        return controller.load(name, parameters);
    }

    @Override
    public void unloadModel(String name, boolean unloadDependents) {
        controller.unload(name, unloadDependents);
    }

    /** Every model the repository knows: those never loaded (explicit mode) with their name only. */
    @Override
    public List<RepositoryIndexEntry> repositoryIndex() {
        Map<String, LoadedModel> known = new TreeMap<>(repository.models());
        TreeSet<String> names = new TreeSet<>(known.keySet());
        names.addAll(repository.scan().keySet());
        List<RepositoryIndexEntry> entries = new ArrayList<>();
        for (String name : names) {
            LoadedModel model = known.get(name);
            if (model == null || model.versions().isEmpty()) {
                entries.add(new RepositoryIndexEntry(name, "", "", ""));
                continue;
            }
            for (VersionStatus status : model.versions()) {
                String version = status.version() < 0 ? "" : Long.toString(status.version());
                entries.add(new RepositoryIndexEntry(model.name(), version, status.state().name(), status.reason()));
            }
        }
        return entries;
    }

    @Override
    public InputBufferPool inputBuffers() {
        return inputBuffers;
    }
}
