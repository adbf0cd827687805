package dev.jepserve.repository;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jepserve.inference.ModelLoadParameters;
import dev.jepserve.inference.TritonCode;
import dev.jepserve.inference.TritonException;
import dev.jepserve.python.ModelControlPort;

import java.io.IOException;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * pb_utils' model control ({@code load_model}, {@code unload_model}, {@code is_model_ready}) on the server's
 * controller. A load runs on the calling thread: the caller may be the Python worker the load needs.
 */
public final class PythonModelControl implements ModelControlPort {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ModelController controller;
    private final VersionLookup lookup;
    private final ModelRepository repository;

    public PythonModelControl(ModelController controller, ModelRepository repository) {
        this.controller = controller;
        this.repository = repository;
        this.lookup = new VersionLookup(repository);
    }

    @Override
    public String load(String name, String config, String filesJson) {
        try {
            controller.loadHere(name, new ModelLoadParameters(config == null || config.isEmpty() ? null : config,
                    files(filesJson)));
            return null;
        } catch (TritonException e) {
            return e.getMessage();
        }
    }

    @Override
    public String unload(String name, boolean unloadDependents) {
        try {
            controller.unload(name, unloadDependents);
            return null;
        } catch (TritonException e) {
            return e.getMessage();
        }
    }

    /** The model's state (not its own is_ready(), which could call back into the caller's Python). */
    @Override
    public String isReady(String name, String version) {
        try {
            if (version != null && !version.isEmpty()) {
                VersionLookup.parseVersion(version);
            }
            if (repository.model(name) == null) {
                return "false";
            }
            return Boolean.toString(lookup.find(name, version) != null);
        } catch (TritonException e) {
            return e.code() == TritonCode.INVALID_ARG ? e.getMessage() : "false";
        }
    }

    private static Map<String, byte[]> files(String filesJson) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        if (filesJson == null || filesJson.isEmpty()) {
            return files;
        }
        try {
            JsonNode node = JSON.readTree(filesJson);
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                files.put(field.getKey(), Base64.getDecoder().decode(field.getValue().asText()));
            }
        } catch (IOException | IllegalArgumentException e) {
            throw TritonException.invalidArg("failed to read the override files: " + e.getMessage());
        }
        return files;
    }
}
