package dev.jepserve.repository;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;

/**
 * The models of one or more repository directories ({@code <repo>/<model>/<version>/model.py}) and the
 * state of each version. Loads everything at start (Triton's "none" control mode).
 */
public final class ModelRepository {
    private static final Logger LOG = LoggerFactory.getLogger(ModelRepository.class);

    private final List<Path> roots;
    private final ModelLoader loader;
    private final Map<String, LoadedModel> models = new ConcurrentSkipListMap<>();

    public ModelRepository(List<Path> roots, ModelLoader loader) {
        this.roots = List.copyOf(roots);
        this.loader = loader;
    }

    /** Loads every model found; a model present in two repositories is not loaded, as in Triton. */
    public void loadAll() {
        Map<String, List<Path>> found = scan();
        for (Map.Entry<String, List<Path>> entry : found.entrySet()) {
            String name = entry.getKey();
            List<Path> dirs = entry.getValue();
            if (dirs.size() > 1) {
                LOG.error("model '{}' appears in two or more repositories: {}", name, dirs);
                models.put(name, LoadedModel.failed(name, dirs.get(0), "model appears in two or more repositories"));
                continue;
            }
            models.put(name, loader.load(name, dirs.get(0)));
        }
    }

    private Map<String, List<Path>> scan() {
        Map<String, List<Path>> found = new TreeMap<>();
        for (Path root : roots) {
            if (!Files.isDirectory(root)) {
                throw new IllegalArgumentException("model repository '" + root + "' is not a directory");
            }
            try (Stream<Path> children = Files.list(root)) {
                children.filter(Files::isDirectory).sorted().forEach(dir ->
                        found.computeIfAbsent(dir.getFileName().toString(), k -> new ArrayList<>()).add(dir));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list model repository " + root, e);
            }
        }
        return found;
    }

    /** Serves a model that does not come from a repository directory (the benchmark floor). */
    public void add(LoadedModel model) {
        if (models.putIfAbsent(model.name(), model) != null) {
            throw new IllegalArgumentException("model '" + model.name() + "' already exists");
        }
    }

    /** The model, or null when no repository has it. */
    public LoadedModel model(String name) {
        return models.get(name);
    }

    /** Every model, by name. */
    public Map<String, LoadedModel> models() {
        return new LinkedHashMap<>(models);
    }

    public boolean allReady() {
        return models.values().stream().allMatch(LoadedModel::allReady);
    }

    /** Unloads every ready version: waits for its requests, runs finalize(), removes its metrics. */
    public void unloadAll(long timeoutMillis) {
        for (LoadedModel model : models.values()) {
            for (VersionStatus version : model.versions()) {
                if (version.isReady()) {
                    version.runtime().unload(timeoutMillis);
                    LOG.info("successfully unloaded '{}' version {}", model.name(), version.version());
                }
            }
        }
        models.clear();
    }
}
