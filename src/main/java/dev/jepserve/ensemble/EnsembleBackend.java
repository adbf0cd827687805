package dev.jepserve.ensemble;

import dev.jepserve.config.proto.ModelConfig;
import dev.jepserve.config.proto.ModelEnsembling;
import dev.jepserve.inference.InferenceService;
import dev.jepserve.inference.ModelBackend;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * Loads an ensemble version as one instance that never holds a batch: its execute() starts the request's data
 * flow and returns at once, so the scheduler in front of it only orders and counts requests. The version is
 * ready while every step's model is ready.
 */
public final class EnsembleBackend implements ModelBackend {
    private final Supplier<InferenceService> service;

    /** @param service the server's inference service (null until the models are loaded) */
    public EnsembleBackend(Supplier<InferenceService> service) {
        this.service = service;
    }

    @Override
    public ModelConfig autoComplete(String modelName, ModelConfig partial, Path newestVersionDir, Path modelDir) {
        return partial;
    }

    @Override
    public LoadedInstances loadInstances(VersionSource source) {
        EnsembleInstance instance = new EnsembleInstance(source.modelName(), Long.toString(source.version()),
                source.config(), service);
        List<ModelEnsembling.Step> steps = source.config().getEnsembleScheduling().getStepList();
        return new LoadedInstances(List.of(instance), () -> { }, () -> stepsReady(steps));
    }

    /** Before the server serves (the start-up table) the steps are loading alongside: not held against it. */
    private boolean stepsReady(List<ModelEnsembling.Step> steps) {
        InferenceService server = service.get();
        if (server == null) {
            return true;
        }
        for (ModelEnsembling.Step step : steps) {
            String version = step.getModelVersion() > 0 ? Long.toString(step.getModelVersion()) : "";
            if (!server.isModelReady(step.getModelName(), version)) {
                return false;
            }
        }
        return true;
    }
}
