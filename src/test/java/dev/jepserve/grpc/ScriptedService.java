package dev.jepserve.grpc;

import dev.jepserve.inference.InferenceService;
import dev.jepserve.inference.ServedModel;
import dev.jepserve.inference.TritonException;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** An InferenceService over scripted models (one version each), with Triton's lookup text for unknown models. */
final class ScriptedService implements InferenceService {
    private final Map<String, ServedModel> models = new TreeMap<>();

    ScriptedService add(ServedModel model) {
        models.put(model.name(), model);
        return this;
    }

    @Override
    public String serverName() {
        return "triton";
    }

    @Override
    public String serverVersion() {
        return "test";
    }

    @Override
    public List<String> extensions() {
        return List.of("statistics");
    }

    @Override
    public boolean isLive() {
        return true;
    }

    @Override
    public boolean isReady() {
        return true;
    }

    @Override
    public ServedModel model(String name, String version) {
        ServedModel model = models.get(name);
        if (model == null) {
            throw TritonException.notFound("Request for unknown model: '" + name + "' is not found");
        }
        return model;
    }

    @Override
    public List<ServedModel> readyVersions(String name) {
        return List.of(model(name, ""));
    }

    @Override
    public List<ServedModel> readyModels() {
        return List.copyOf(models.values());
    }

    @Override
    public boolean isModelReady(String name, String version) {
        return models.containsKey(name);
    }
}
