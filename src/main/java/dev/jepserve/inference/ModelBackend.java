package dev.jepserve.inference;

import dev.jepserve.config.proto.ModelConfig;

import java.nio.file.Path;
import java.util.List;

/**
 * The seam for model backends: loads the instances of one model version (in-process Python today; stub
 * processes next). The repository's loader knows only this interface; it prepares the config and wires the
 * instances to a scheduler, metrics and statistics itself.
 */
public interface ModelBackend {
    /**
     * Completes a partial config as the model asks (Python's auto_complete_config), or returns it unchanged.
     *
     * @throws TritonException with the model's error
     */
    ModelConfig autoComplete(String modelName, ModelConfig partial, Path newestVersionDir, Path modelDir);

    /**
     * Creates every instance of the version's instance groups and initializes them.
     *
     * @throws TritonException with Triton's reason; instances created before the failure are released
     */
    LoadedInstances loadInstances(VersionSource version);

    /** What a backend needs to load one version. */
    record VersionSource(String modelName, Path modelDir, ModelConfig config, long version, Path versionDir) {
    }

    /**
     * The instances of one loaded version.
     *
     * @param release finalizes the instances and frees what they hold; runs once, after their requests drained
     */
    record LoadedInstances(List<? extends ModelInstance> instances, Runnable release) {
    }
}
