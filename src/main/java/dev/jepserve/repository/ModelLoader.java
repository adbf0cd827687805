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

    public LoadedModel load(String name, Path modelDir) {
        ModelConfig config;
        TreeMap<Long, Path> available;
        List<Long> selected;
        try {
            available = VersionDirectories.find(modelDir);
            if (available.isEmpty()) {
                throw TritonException.invalidArg("failed to load '" + name + "', no version is available");
            }
            // auto_complete_config runs from the newest version's model.py.
            Path newest = available.lastEntry().getValue();
            config = ModelConfigPreparer.prepare(modelDir, "", options.autoCompleteConfig(),
                    partial -> backend.autoComplete(name, partial, newest, modelDir));
            selected = VersionDirectories.select(config.getVersionPolicy(), available);
            if (selected.isEmpty()) {
                throw TritonException.invalidArg("failed to load '" + name + "', no version is available");
            }
        } catch (TritonException e) {
            LOG.error("failed to load '{}': {}", name, e.getMessage());
            return LoadedModel.failed(name, modelDir, e.getMessage());
        }
        List<VersionStatus> versions = new ArrayList<>();
        for (long version : selected) {
            versions.add(loadVersion(name, modelDir, config, version, available.get(version)));
        }
        return new LoadedModel(name, modelDir, versions);
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
