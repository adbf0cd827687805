package dev.jepserve.repository;

import dev.jepserve.config.ModelConfigJson;
import dev.jepserve.config.ModelConfigPreparer;
import dev.jepserve.config.proto.ModelConfig;
import dev.jepserve.config.proto.ModelInstanceGroup;
import dev.jepserve.inference.BatchPolicy;
import dev.jepserve.inference.InferenceObserver;
import dev.jepserve.inference.ModelStatistics;
import dev.jepserve.inference.QueueScheduler;
import dev.jepserve.inference.TritonException;
import dev.jepserve.python.PythonModelInstance;
import dev.jepserve.python.PythonRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

/**
 * Loads one model directory as Triton does for a Python model: config.pbtxt (optional), backend fields,
 * the model's auto_complete_config, normalization, then for each served version its instances
 * (model.py imported per instance, initialize(args) run).
 */
public final class ModelLoader {
    private static final Logger LOG = LoggerFactory.getLogger(ModelLoader.class);

    private final PythonRuntime python;
    private final VersionMetrics.Factory metrics;
    private final Consumer<String> releaseCustomMetrics;
    private final ModelLoaderOptions options;
    private final ScheduledExecutorService timers;

    /**
     * @param releaseCustomMetrics drops the custom metric series an instance (by name) still holds; run after
     *                             its Python object is gone, as a safety net for objects kept alive elsewhere
     */
    public ModelLoader(PythonRuntime python, VersionMetrics.Factory metrics, Consumer<String> releaseCustomMetrics,
                       ModelLoaderOptions options, ScheduledExecutorService timers) {
        this.python = python;
        this.metrics = metrics;
        this.releaseCustomMetrics = releaseCustomMetrics;
        this.options = options;
        this.timers = timers;
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
            config = ModelConfigPreparer.prepare(modelDir, options.configName(), options.autoCompleteConfig(),
                    partial -> autoComplete(name, partial, newest, modelDir));
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

    /** Runs the model's static auto_complete_config in a throw-away import of its model.py. */
    private ModelConfig autoComplete(String name, ModelConfig partial, Path versionDir, Path modelDir) {
        Path modelFile = versionDir.resolve(partial.getDefaultModelFilename());
        if (!Files.isRegularFile(modelFile)) {
            return partial;
        }
        String moduleKey = python.newKey(name + "_autocomplete");
        python.loadModule(moduleKey, modelFile, versionDir, modelDir, name, versionDir.getFileName().toString());
        try {
            if (!python.hasAutoComplete(moduleKey)) {
                return partial;
            }
            return ModelConfigJson.fromJson(python.autoComplete(moduleKey, name, ModelConfigJson.toJson(partial)));
        } finally {
            python.unloadModule(moduleKey);
        }
    }

    private VersionStatus loadVersion(String name, Path modelDir, ModelConfig config, long version, Path versionDir) {
        long started = System.nanoTime();
        String versionText = Long.toString(version);
        Path modelFile = versionDir.resolve(config.getDefaultModelFilename());
        if (!Files.isRegularFile(modelFile)) {
            String reason = "Python model file not found in '" + modelFile + "'";
            LOG.error("failed to load '{}' version {}: {}", name, version, reason);
            return VersionStatus.unavailable(version, reason);
        }
        List<PythonModelInstance> instances = new ArrayList<>();
        List<String> moduleKeys = new ArrayList<>();
        List<String> instanceNames = new ArrayList<>();
        try {
            String configJson = ModelConfigJson.toJson(config);
            for (ModelInstanceGroup group : config.getInstanceGroupList()) {
                if (group.getKind() != ModelInstanceGroup.Kind.KIND_CPU) {
                    LOG.warn("model '{}' instance group '{}' asks for {}; jepserve runs it on the CPU", name,
                            group.getName(), group.getKind());
                }
                for (int i = 0; i < group.getCount(); i++) {
                    String instanceName = group.getName() + "_" + i;
                    instanceNames.add(instanceName);
                    String moduleKey = python.newKey(instanceName);
                    python.loadModule(moduleKey, modelFile, versionDir, modelDir, name, versionText);
                    moduleKeys.add(moduleKey);
                    instances.add(python.createInstance(moduleKey, instanceName, name, versionText, versionDir,
                            initializeArgs(configJson, group, instanceName, modelDir, versionText, name)));
                }
            }
        } catch (TritonException e) {
            LOG.error("failed to load '{}' version {}: {}", name, version, e.getMessage());
            release(instances, moduleKeys, instanceNames);
            return VersionStatus.unavailable(version, e.getMessage());
        }
        VersionMetrics versionMetrics = metrics.open(name, versionText);
        versionMetrics.loadDuration((System.nanoTime() - started) / 1e9);
        ModelStatistics statistics = new ModelStatistics();
        QueueScheduler scheduler = new QueueScheduler(instances, BatchPolicy.from(config),
                InferenceObserver.both(versionMetrics, statistics), timers);
        Runnable onUnload = () -> {
            release(instances, moduleKeys, instanceNames);
            versionMetrics.close();
        };
        LOG.info("successfully loaded '{}' version {}", name, version);
        return VersionStatus.ready(new ModelVersionRuntime(name, version, config, scheduler, statistics, onUnload));
    }

    private void release(List<PythonModelInstance> instances, List<String> moduleKeys, List<String> instanceNames) {
        instances.forEach(PythonModelInstance::finalizeInstance);
        moduleKeys.forEach(python::unloadModule);
        instanceNames.forEach(releaseCustomMetrics);
    }

    /** The 7 string keys Triton passes to initialize(args). */
    private static Map<String, String> initializeArgs(String configJson, ModelInstanceGroup group, String instanceName,
                                                      Path modelDir, String version, String modelName) {
        Map<String, String> args = new LinkedHashMap<>();
        args.put("model_config", configJson);
        args.put("model_instance_kind", instanceKind(group.getKind()));
        args.put("model_instance_name", instanceName);
        args.put("model_instance_device_id", "0");
        args.put("model_repository", modelDir.toString());
        args.put("model_version", version);
        args.put("model_name", modelName);
        return args;
    }

    /** KIND_GPU instances run on the CPU here, and the model is told so (it picks its CPU code path). */
    private static String instanceKind(ModelInstanceGroup.Kind kind) {
        return kind == ModelInstanceGroup.Kind.KIND_MODEL ? "MODEL" : "CPU";
    }
}
