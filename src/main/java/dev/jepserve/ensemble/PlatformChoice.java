package dev.jepserve.ensemble;

import dev.jepserve.config.EnsembleConfigs;
import dev.jepserve.config.proto.ModelConfig;
import dev.jepserve.inference.ModelBackend;

import java.nio.file.Path;

/** Routes ensembles to the ensemble backend and every other model to the Python backend. */
public final class PlatformChoice implements ModelBackend {
    private final ModelBackend ensembles;
    private final ModelBackend python;

    public PlatformChoice(ModelBackend ensembles, ModelBackend python) {
        this.ensembles = ensembles;
        this.python = python;
    }

    @Override
    public ModelConfig autoComplete(String modelName, ModelConfig partial, Path newestVersionDir, Path modelDir) {
        return EnsembleConfigs.isEnsemble(partial) ? partial
                : python.autoComplete(modelName, partial, newestVersionDir, modelDir);
    }

    @Override
    public LoadedInstances loadInstances(VersionSource version) {
        return (EnsembleConfigs.isEnsemble(version.config()) ? ensembles : python).loadInstances(version);
    }
}
