package dev.jepserve.repository;

import dev.jepserve.config.ModelConfigPreparer;
import dev.jepserve.config.proto.ModelConfig;
import dev.jepserve.inference.ModelBackend;
import dev.jepserve.inference.TritonException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Loads one model directory as Triton does: config.pbtxt (optional), backend fields, the model's
 * auto-complete, normalization, then for each served version its instances (through the model backend) wired
 * to a scheduler by the version factory.
 */
public final class ModelLoader {
    private static final Logger LOG = LoggerFactory.getLogger(ModelLoader.class);

    private final ModelBackend backend;
    private final ModelVersionFactory versions;
    private final ModelLoaderOptions options;

    public ModelLoader(ModelBackend backend, ModelVersionFactory versions, ModelLoaderOptions options) {
        this.backend = backend;
        this.versions = versions;
        this.options = options;
    }

    /**
     * Reads and completes the configuration (the model's auto_complete_config runs from the newest version's
     * model.py) and picks the versions its policy serves.
     *
     * @param configOverride a configuration to use instead of the directory's config.pbtxt, or null
     * @throws TritonException with Triton's text when the model cannot load
     */
    PreparedModel prepare(String name, Path modelDir, ModelConfig configOverride) {
        TreeMap<Long, Path> available = VersionDirectories.find(modelDir);
        if (available.isEmpty()) {
            throw TritonException.invalidArg("failed to load '" + name + "', no version is available");
        }
        Path newest = available.lastEntry().getValue();
        ModelConfigPreparer.AutoCompleter completer = partial -> backend.autoComplete(name, partial, newest, modelDir);
        ModelConfig config = configOverride == null
                ? ModelConfigPreparer.prepare(modelDir, options.configName(), options.autoCompleteConfig(), completer)
                : ModelConfigPreparer.prepare(modelDir, configOverride, options.configName(),
                        options.autoCompleteConfig(), completer);
        List<Long> selected = VersionDirectories.select(config.getVersionPolicy(), available);
        if (selected.isEmpty()) {
            throw TritonException.invalidArg("failed to load '" + name
                    + "', at least one version must be available under the version policy of model '" + name + "'");
        }
        TreeMap<Long, Path> versions = new TreeMap<>();
        selected.forEach(version -> versions.put(version, available.get(version)));
        return new PreparedModel(name, modelDir, config, versions);
    }

    /** Loads every chosen version (instances, scheduler, metrics); a version that fails is UNAVAILABLE. */
    List<VersionStatus> loadVersions(PreparedModel prepared) {
        List<VersionStatus> loaded = new ArrayList<>();
        for (Map.Entry<Long, Path> version : prepared.versionDirectories().entrySet()) {
            loaded.add(loadVersion(prepared.name(), prepared.directory(), prepared.config(), version.getKey(),
                    version.getValue()));
        }
        return loaded;
    }

    private VersionStatus loadVersion(String name, Path modelDir, ModelConfig config, long version, Path versionDir) {
        long started = System.nanoTime();
        ModelBackend.LoadedInstances loaded;
        try {
            loaded = backend.loadInstances(new ModelBackend.VersionSource(name, modelDir, config, version, versionDir));
        } catch (TritonException e) {
            LOG.error("failed to load '{}' version {}: {}", name, version, e.getMessage());
            return VersionStatus.unavailable(version, e.getMessage());
        }
        LOG.info("successfully loaded '{}' version {}", name, version);
        return VersionStatus.ready(versions.create(name, version, config, loaded, started));
    }
}
