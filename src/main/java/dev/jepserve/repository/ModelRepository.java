package dev.jepserve.repository;

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
 * The models of one or more repository directories ({@code <repo>/<model>/<version>/model.py}) and what the
 * server knows of each: an immutable {@link LoadedModel} snapshot per name, replaced as a whole when a
 * model loads, reloads or unloads (so a reader never sees half a change). Loading itself is the
 * {@link ModelController}'s job.
 */
public final class ModelRepository {
    private final List<Path> roots;
    private final Map<String, LoadedModel> models = new ConcurrentSkipListMap<>();

    public ModelRepository(List<Path> roots) {
        this.roots = List.copyOf(roots);
    }

    /** Every model directory of every repository, by name; a name in two repositories has two entries. */
    public Map<String, List<Path>> scan() {
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

    /** Makes this the model's state, replacing what was there. */
    void publish(LoadedModel model) {
        models.put(model.name(), model);
    }

    /** Replaces the model's state only if it still is {@code expected} (identity). */
    boolean replace(LoadedModel expected, LoadedModel updated) {
        return models.replace(expected.name(), expected, updated);
    }

    /** The model, or null when the server knows nothing of it. */
    public LoadedModel model(String name) {
        return models.get(name);
    }

    /** Every model the server knows, by name. */
    public Map<String, LoadedModel> models() {
        return new LinkedHashMap<>(models);
    }

    /**
     * Whether every known model has all its versions ready; versions unloaded on request do not count (as
     * in Triton), a model without any version does.
     */
    public boolean allReady() {
        for (LoadedModel model : models.values()) {
            if (model.versions().isEmpty()) {
                return false;
            }
            for (VersionStatus version : model.versions()) {
                if (!version.isUnloaded() && !version.isReady()) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Forgets every model (after they were unloaded). */
    void clear() {
        models.clear();
    }
}
