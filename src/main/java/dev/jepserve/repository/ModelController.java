package dev.jepserve.repository;

import dev.jepserve.ModelControlMode;
import dev.jepserve.config.ModelConfigJson;
import dev.jepserve.config.proto.ModelConfig;
import dev.jepserve.inference.ModelLoadParameters;
import dev.jepserve.inference.TritonException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Model control as Triton's modes define it: what loads at start, loads and unloads through the repository
 * extension (explicit mode only, Triton's refusal otherwise), and the reloads a repository poll finds. One
 * model changes at a time (a lock per name); different models load in parallel on the load threads.
 */
public final class ModelController {
    private static final Logger LOG = LoggerFactory.getLogger(ModelController.class);
    static final String CONTROL_REFUSED = "explicit model load / unload is not allowed if polling is enabled";

    private final ModelRepository repository;
    private final ModelLoader loader;
    private final ModelControlMode mode;
    private final ExecutorService loadThreads;
    private final ModelSwap swap;
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
    /** How each model's directory looked when it last loaded, for polls and reloads of unchanged models. */
    private final Map<String, ModelDirectoryStamp> stamps = new ConcurrentHashMap<>();
    /** Temporary directories of models loaded with file overrides, deleted when they are replaced. */
    private final Map<String, Path> overrideDirs = new ConcurrentHashMap<>();
    /** Models whose current load used overrides: loading them again without any is a real reload. */
    private final Set<String> overridden = ConcurrentHashMap.newKeySet();
    /** Explicit mode: the composing models each ensemble's load brought in (Triton's "dependents"). */
    private final ComposingModels composing = new ComposingModels();

    /**
     * @param loadThreads   runs loads (--model-load-thread-count threads)
     * @param retireThreads retires replaced and unloaded versions (each waits for its requests)
     * @param drainMillis   how long a retiring version's requests may take before it is finalized
     */
    public ModelController(ModelRepository repository, ModelLoader loader, ModelControlMode mode,
                           ExecutorService loadThreads, ExecutorService retireThreads, long drainMillis) {
        this.repository = repository;
        this.loader = loader;
        this.mode = mode;
        this.loadThreads = loadThreads;
        this.swap = new ModelSwap(repository, retireThreads, drainMillis);
    }

    public ModelControlMode mode() {
        return mode;
    }

    /**
     * The start-up loads: every model (none and poll modes, or explicit with {@code *}), else the
     * {@code --load-model} ones. Returns false when a named model does not exist (logged, as Triton does).
     */
    public boolean loadAtStart(List<String> loadModels) {
        if (mode == ModelControlMode.EXPLICIT && loadModels.contains("*") && loadModels.size() > 1) {
            throw new IllegalArgumentException("Wildcard model name '*' must be the ONLY startup model if specified at all.");
        }
        Map<String, List<Path>> found = repository.scan();
        List<String> names = new ArrayList<>();
        boolean allFound = true;
        if (mode != ModelControlMode.EXPLICIT || loadModels.contains("*")) {
            names.addAll(found.keySet());
        } else {
            for (String name : loadModels) {
                if (found.containsKey(name)) {
                    names.add(name);
                } else {
                    LOG.error("failed to poll model '{}': model not found in any model repository.", name);
                    allFound = false;
                }
            }
        }
        List<CompletableFuture<Void>> loads = new ArrayList<>();
        for (String name : names) {
            loads.add(CompletableFuture.runAsync(() -> loadQuietly(name), loadThreads));
        }
        CompletableFuture.allOf(loads.toArray(CompletableFuture[]::new)).join();
        return allFound;
    }

    /** Loads (or reloads) a model on a load thread; explicit mode only. The future fails with Triton's error. */
    public CompletableFuture<Void> load(String name, ModelLoadParameters parameters) {
        checkExplicit();
        ModelConfig override = parseOverride(parameters);
        return CompletableFuture.runAsync(() -> loadByUser(name, override, parameters.files()), loadThreads);
    }

    /**
     * Loads on the calling thread (Python's {@code pb_utils.load_model}: the caller may be the only Python
     * worker, which the load itself needs).
     */
    public void loadHere(String name, ModelLoadParameters parameters) {
        checkExplicit();
        loadByUser(name, parseOverride(parameters), parameters.files());
    }

    /** A load the user asked for: the model is theirs from now on, never unloaded as some ensemble's dependent. */
    private void loadByUser(String name, ModelConfig override, Map<String, byte[]> files) {
        composing.claimedByUser(name);
        loadNow(name, override, files, Set.of());
    }

    /**
     * Starts unloading a model; explicit mode only. Returns at once, as Triton does: the model stops taking
     * requests now; its requests in flight finish before its instances are finalized. Unloading a model that
     * is not loaded does nothing.
     *
     * @param unloadDependents also unload the composing models this ensemble's load brought in, unless another
     *                         loaded ensemble still uses them (Triton's "unload model and dependents")
     */
    public CompletableFuture<Void> unload(String name, boolean unloadDependents) {
        checkExplicit();
        List<String> dependents = composing.release(name, unloadDependents);
        List<CompletableFuture<Void>> unloads = new ArrayList<>();
        unloads.add(unloadNow(name));
        for (String dependent : dependents) {
            unloads.add(unload(dependent, true));
        }
        return CompletableFuture.allOf(unloads.toArray(CompletableFuture[]::new));
    }

    /** One poll (poll mode): loads new models, reloads changed ones, unloads removed ones. */
    public void poll() {
        Map<String, List<Path>> found = repository.scan();
        List<CompletableFuture<Void>> work = new ArrayList<>();
        for (Map.Entry<String, List<Path>> entry : found.entrySet()) {
            String name = entry.getKey();
            ModelDirectoryStamp before = stamps.get(name);
            if (before == null || !before.equals(ModelDirectoryStamp.of(entry.getValue().get(0)))) {
                work.add(CompletableFuture.runAsync(() -> loadQuietly(name), loadThreads));
            }
        }
        for (String name : List.copyOf(stamps.keySet())) {
            if (!found.containsKey(name)) {
                LOG.info("model '{}' was removed from the repository", name);
                stamps.remove(name);
                work.add(unloadNow(name));
            }
        }
        CompletableFuture.allOf(work.toArray(CompletableFuture[]::new)).join();
    }

    /** Unloads every model and waits (up to the deadline) until their requests finished and they finalized. */
    public void unloadAll(long timeoutMillis) {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        // One after another, in name order, as before model control existed (the shutdown log reads in order).
        for (String name : repository.models().keySet()) {
            try {
                unloadNow(name).get(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (ExecutionException | TimeoutException e) {
                LOG.warn("model '{}' did not finish unloading in time: {}", name, e.toString());
            }
        }
        swap.awaitPending(Math.max(0, deadline - System.currentTimeMillis()));
        repository.clear();
        overrideDirs.values().forEach(ModelController::deleteQuietly);
        overrideDirs.clear();
    }

    private void checkExplicit() {
        if (mode != ModelControlMode.EXPLICIT) {
            throw TritonException.unavailable(CONTROL_REFUSED);
        }
    }

    private static ModelConfig parseOverride(ModelLoadParameters parameters) {
        if (!parameters.files().isEmpty()) {
            if (parameters.config() == null) {
                throw TritonException.invalidArg("Load parameter 'config' must be specified for model file override");
            }
            OverrideDirectory.validate(parameters.files());
        }
        if (parameters.config() == null) {
            return null;
        }
        try {
            return ModelConfigJson.fromJson(parameters.config());
        } catch (TritonException e) {
            throw TritonException.invalidArg("Invalid config override: " + e.getMessage());
        }
    }

    private void loadQuietly(String name) {
        try {
            loadNow(name, null, Map.of(), Set.of());
        } catch (RuntimeException e) {
            // Logged by the loader; the model's state says why.
        }
    }

    /** @param ensembles the ensembles whose loads led here, innermost last (a cycle among them is refused) */
    private void loadNow(String name, ModelConfig override, Map<String, byte[]> files, Set<String> ensembles) {
        ReentrantLock lock = locks.computeIfAbsent(name, k -> new ReentrantLock());
        lock.lock();
        try {
            List<Path> dirs = repository.scan().get(name);
            if (dirs == null) {
                throw TritonException.internal("failed to load '" + name + "', failed to poll from model repository");
            }
            if (dirs.size() > 1) {
                LOG.error("model '{}' appears in two or more repositories: {}", name, dirs);
                repository.publish(LoadedModel.failed(name, dirs.get(0), "model appears in two or more repositories"));
                throw TritonException.internal("failed to load '" + name + "', model appears in two or more repositories");
            }
            Path dir = dirs.get(0);
            ModelDirectoryStamp stamp = ModelDirectoryStamp.of(dir);
            boolean plain = override == null && files.isEmpty();
            LoadedModel current = repository.model(name);
            if (plain && current != null && hasReady(current) && !overridden.contains(name)
                    && stamp.equals(stamps.get(name))) {
                return; // unchanged: Triton's reload of an unchanged model does nothing
            }
            stamps.put(name, stamp);
            Path loadDir = files.isEmpty() ? dir : OverrideDirectory.write(name, files);
            try {
                reload(name, dir, loadDir, override, ensembles);
            } catch (RuntimeException e) {
                if (loadDir != dir) {
                    deleteQuietly(loadDir);
                }
                throw e;
            }
            Path previousOverride = loadDir != dir ? overrideDirs.put(name, loadDir) : overrideDirs.remove(name);
            if (plain) {
                overridden.remove(name);
            } else {
                overridden.add(name);
            }
            if (previousOverride != null) {
                // The old versions may still be finishing requests: delete their files after them.
                swap.retire(List.of(), () -> deleteQuietly(previousOverride));
            }
        } finally {
            lock.unlock();
        }
    }

    /** Loads the new versions while the old ones serve, then swaps; a failed reload keeps what served. */
    private void reload(String name, Path dir, Path loadDir, ModelConfig override, Set<String> ensembles) {
        LoadedModel old = repository.model(name);
        PreparedModel prepared;
        try {
            prepared = loader.prepare(name, loadDir, override);
            if (mode == ModelControlMode.EXPLICIT) {
                loadComposingModels(name, prepared.config(), ensembles);
            }
        } catch (TritonException e) {
            LOG.error("failed to load '{}': {}", name, e.getMessage());
            if (old == null || !hasReady(old)) {
                repository.publish(LoadedModel.failed(name, dir, e.getMessage()));
            }
            throw e;
        } catch (RuntimeException e) {
            LOG.error("failed to load '{}': {}", name, e.toString());
            throw TritonException.internal("failed to load '" + name + "', failed to poll from model repository");
        }
        repository.publish(RepositoryStates.loading(old, name, dir, prepared.versionNumbers()));
        List<VersionStatus> loaded = loader.loadVersions(prepared);
        RepositoryStates.Swap next = RepositoryStates.afterLoad(old, name, dir, loaded);
        swap.publishAndRetire(next.published(), next.retiring(), () -> { });
        String failures = RepositoryStates.failures(name, loaded);
        if (!failures.isEmpty()) {
            throw TritonException.invalidArg(failures);
        }
    }

    /**
     * Explicit mode loads an ensemble's composing models with it, as Triton does: those not loaded yet are
     * loaded first (and recorded as its dependents); one that fails fails the ensemble's load.
     */
    private void loadComposingModels(String ensemble, ModelConfig config, Set<String> ensembles) {
        List<String> steps = ComposingModels.stepModels(config);
        if (steps.isEmpty()) {
            return;
        }
        composing.uses(ensemble, steps);
        Set<String> chain = new LinkedHashSet<>(ensembles);
        chain.add(ensemble);
        for (String step : steps) {
            if (chain.contains(step)) {
                throw TritonException.invalidArg("ensemble '" + ensemble + "' depends on '" + step
                        + "', which contains it: circular dependency between ensembles " + chain);
            }
            LoadedModel loaded = repository.model(step);
            if (loaded != null && hasReady(loaded)) {
                continue;
            }
            try {
                loadNow(step, null, Map.of(), chain);
            } catch (TritonException e) {
                throw TritonException.invalidArg("ensemble '" + ensemble + "' cannot load its composing model '"
                        + step + "': " + e.getMessage());
            }
            composing.loadedAlongWith(step);
        }
    }

    private CompletableFuture<Void> unloadNow(String name) {
        ReentrantLock lock = locks.computeIfAbsent(name, k -> new ReentrantLock());
        lock.lock();
        try {
            LoadedModel old = repository.model(name);
            if (old == null) {
                return CompletableFuture.completedFuture(null);
            }
            LoadedModel unloading = RepositoryStates.unloading(old);
            List<ModelVersionRuntime> runtimes = RepositoryStates.runtimes(old);
            Path overrideDir = overrideDirs.remove(name);
            overridden.remove(name);
            return swap.publishAndRetire(unloading, runtimes, () -> {
                repository.replace(unloading, RepositoryStates.unloaded(old));
                if (overrideDir != null) {
                    deleteQuietly(overrideDir);
                }
            });
        } finally {
            lock.unlock();
        }
    }

    private static boolean hasReady(LoadedModel model) {
        return model.versions().stream().anyMatch(version -> version.state() == ModelState.READY);
    }

    private static void deleteQuietly(Path overrideDir) {
        try {
            OverrideDirectory.delete(overrideDir);
        } catch (RuntimeException e) {
            LOG.warn("could not delete a temporary model directory: {}", e.getMessage());
        }
    }

    /** Rethrows what a load future failed with (the Triton error itself, not its wrapper). */
    public static RuntimeException unwrap(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return cause instanceof RuntimeException runtime ? runtime : new CompletionException(cause);
    }
}
