package dev.jepserve.python;

import dev.jepserve.config.ModelConfigJson;
import dev.jepserve.config.proto.ModelConfig;
import dev.jepserve.config.proto.ModelInstanceGroup;
import dev.jepserve.inference.ModelBackend;
import dev.jepserve.inference.TritonException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Python models in the server's own embedded interpreter: each instance imports its own copy of model.py
 * and runs its execute() calls on a Python thread of its own (Triton's one thread per instance); loading,
 * initialize and finalize run on the server's Python workers.
 */
public final class InProcessPythonBackend implements ModelBackend {
    private static final Logger LOG = LoggerFactory.getLogger(InProcessPythonBackend.class);

    private final PythonRuntime python;
    private final PythonCallbacks callbacks;
    private final Consumer<String> releaseCustomMetrics;

    /**
     * @param callbacks            the callbacks {@code python} was started with
     * @param releaseCustomMetrics drops the custom metric series an instance (by key) still holds; run after
     *                             its Python object is gone, as a safety net for objects kept alive elsewhere
     */
    public InProcessPythonBackend(PythonRuntime python, PythonCallbacks callbacks,
                                  Consumer<String> releaseCustomMetrics) {
        this.python = python;
        this.callbacks = callbacks;
        this.releaseCustomMetrics = releaseCustomMetrics;
    }

    /** Runs the model's static auto_complete_config in a throw-away import of its model.py. */
    @Override
    public ModelConfig autoComplete(String name, ModelConfig partial, Path versionDir, Path modelDir) {
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

    @Override
    public LoadedInstances loadInstances(VersionSource source) {
        ModelConfig config = source.config();
        String name = source.modelName();
        String version = Long.toString(source.version());
        Path modelFile = source.versionDir().resolve(config.getDefaultModelFilename());
        if (!Files.isRegularFile(modelFile)) {
            throw TritonException.invalidArg("Python model file not found in '" + modelFile + "'");
        }
        List<PythonModelInstance> instances = new ArrayList<>();
        List<String> moduleKeys = new ArrayList<>();
        // Custom metric series are owned by instance key (unique per object): a reload's new instance has
        // the same name as the one it replaces, and must keep its series when the old one is released.
        List<String> instanceKeys = new ArrayList<>();
        Runnable release = () -> {
            instances.forEach(PythonModelInstance::finalizeInstance);
            moduleKeys.forEach(python::unloadModule);
            instanceKeys.forEach(releaseCustomMetrics);
        };
        try {
            String configJson = ModelConfigJson.toJson(config);
            boolean decoupled = config.getModelTransactionPolicy().getDecoupled();
            for (ModelInstanceGroup group : config.getInstanceGroupList()) {
                if (group.getKind() != ModelInstanceGroup.Kind.KIND_CPU) {
                    LOG.warn("model '{}' instance group '{}' asks for {}; jepserve runs it on the CPU", name,
                            group.getName(), group.getKind());
                }
                for (int i = 0; i < group.getCount(); i++) {
                    String instanceName = group.getName() + "_" + i;
                    String moduleKey = python.newKey(instanceName);
                    python.loadModule(moduleKey, modelFile, source.versionDir(), source.modelDir(), name, version);
                    moduleKeys.add(moduleKey);
                    String instanceKey = python.createInstance(moduleKey, instanceName, name, version,
                            source.versionDir(), InitializeArgs.of(configJson, group, instanceName,
                                    source.modelDir(), version, name), decoupled);
                    instanceKeys.add(instanceKey);
                    PythonWorkers thread;
                    try {
                        thread = python.newInstanceThread(instanceName);
                    } catch (RuntimeException e) {
                        python.finalizeInstance(instanceKey);
                        throw TritonException.internal("model instance '" + instanceName
                                + "' got no Python thread: " + e.getMessage());
                    }
                    instances.add(new PythonModelInstance(instanceKey, instanceName, name, version, python, callbacks,
                            thread));
                }
            }
        } catch (TritonException e) {
            release.run();
            throw e;
        }
        return new LoadedInstances(instances, release);
    }
}
