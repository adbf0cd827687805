package dev.jepserve.http;

import dev.jepserve.inference.InferenceService;
import dev.jepserve.inference.ServedModel;
import dev.jepserve.inference.TritonException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** An in-memory InferenceService with Triton's lookup texts, for tests. */
final class FakeInferenceService implements InferenceService {
    private final Map<String, TreeMap<Long, ServedModel>> models = new ConcurrentHashMap<>();
    volatile boolean live = true;
    volatile boolean ready = true;

    FakeInferenceService add(ServedModel model) {
        models.computeIfAbsent(model.name(), n -> new TreeMap<>()).put(model.version(), model);
        return this;
    }

    @Override
    public String serverName() {
        return "triton";
    }

    @Override
    public String serverVersion() {
        return "2.59.0";
    }

    @Override
    public List<String> extensions() {
        return List.of("classification", "sequence", "model_repository", "schedule_policy", "model_configuration",
                "binary_tensor_data", "parameters", "statistics");
    }

    @Override
    public boolean isLive() {
        return live;
    }

    @Override
    public boolean isReady() {
        return ready;
    }

    @Override
    public ServedModel model(String name, String version) {
        TreeMap<Long, ServedModel> versions = models.get(name);
        if (versions == null) {
            throw TritonException.notFound("Request for unknown model: '" + name + "' is not found");
        }
        if (version == null || version.isEmpty()) {
            if (versions.isEmpty()) {
                throw TritonException.notFound("Request for unknown model: '" + name + "' has no available versions");
            }
            return versions.lastEntry().getValue();
        }
        ServedModel model = versions.get(Long.parseLong(version));
        if (model == null) {
            throw TritonException.notFound(
                    "Request for unknown model: '" + name + "' version " + version + " is not found");
        }
        return model;
    }

    @Override
    public List<ServedModel> readyModels() {
        return models.values().stream().flatMap(versions -> versions.values().stream()).toList();
    }

    @Override
    public List<ServedModel> readyVersions(String name) {
        model(name, null);
        return new ArrayList<>(models.get(name).values());
    }

    @Override
    public boolean isModelReady(String name, String version) {
        try {
            model(name, version);
            return true;
        } catch (TritonException e) {
            return false;
        }
    }
}
