package dev.jepserve.http.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jepserve.http.codec.JsonSupport;
import dev.jepserve.http.transport.Endpoint;
import dev.jepserve.http.transport.HttpReplies;
import dev.jepserve.inference.InferenceService;
import dev.jepserve.inference.ModelLoadParameters;
import dev.jepserve.inference.RepositoryIndexEntry;
import dev.jepserve.inference.TritonCode;
import dev.jepserve.inference.TritonException;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.io.IOException;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The model repository extension: {@code POST /v2/repository/index} (a JSON array, models by name, versions
 * ascending; {@code {"ready":true}} keeps the READY ones), {@code /v2/repository/models/{m}/load} (answered
 * once the model loaded; {@code config} and base64 {@code file:<path>} parameters) and {@code .../unload}
 * (answered once the unload started). A repository name in the path is refused for load and unload (501), as
 * in Triton.
 */
public final class RepositoryEndpoints {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final InferenceService service;

    public RepositoryEndpoints(InferenceService service) {
        this.service = service;
    }

    public Endpoint index() {
        return request -> {
            JsonNode body = body(ByteBufUtil.getBytes(request.http().content()));
            boolean readyOnly = false;
            if (body != null && body.has("ready")) {
                if (!body.get("ready").isBoolean()) {
                    throw TritonException.invalidArg("Unable to parse 'ready', expecting a boolean");
                }
                readyOnly = body.get("ready").booleanValue();
            }
            List<RepositoryIndexEntry> entries = service.repositoryIndex();
            boolean onlyReady = readyOnly;
            byte[] json = JsonSupport.write(gen -> {
                gen.writeStartArray();
                for (RepositoryIndexEntry entry : entries) {
                    if (onlyReady && !"READY".equals(entry.state())) {
                        continue;
                    }
                    gen.writeStartObject();
                    gen.writeStringField("name", entry.name());
                    if (!entry.version().isEmpty()) {
                        gen.writeStringField("version", entry.version());
                    }
                    if (!entry.state().isEmpty()) {
                        gen.writeStringField("state", entry.state());
                    }
                    if (!entry.reason().isEmpty()) {
                        gen.writeStringField("reason", entry.reason());
                    }
                    gen.writeEndObject();
                }
                gen.writeEndArray();
            });
            return CompletableFuture.completedFuture(HttpReplies.json(HttpResponseStatus.OK, json));
        };
    }

    public Endpoint load() {
        return request -> {
            refuseRepositoryName(request.param("repository"));
            String name = request.param("model");
            ModelLoadParameters parameters = loadParameters(body(ByteBufUtil.getBytes(request.http().content())));
            CompletionStage<FullHttpResponse> done = service.loadModel(name, parameters)
                    .thenApply(ignored -> HttpReplies.json(HttpResponseStatus.OK, new byte[0]));
            return done;
        };
    }

    public Endpoint unload() {
        return request -> {
            refuseRepositoryName(request.param("repository"));
            JsonNode body = body(ByteBufUtil.getBytes(request.http().content()));
            boolean dependents = false;
            JsonNode parameters = body == null ? null : body.get("parameters");
            if (parameters != null && parameters.has("unload_dependents")) {
                JsonNode value = parameters.get("unload_dependents");
                if (!value.isBoolean()) {
                    throw TritonException.invalidArg("Expect 'unload_dependents' to be a boolean");
                }
                dependents = value.booleanValue();
            }
            service.unloadModel(request.param("model"), dependents);
            return CompletableFuture.completedFuture(HttpReplies.json(HttpResponseStatus.OK, new byte[0]));
        };
    }

    private static void refuseRepositoryName(String repository) {
        if (repository != null) {
            throw new TritonException(TritonCode.UNSUPPORTED, "'repository_name' specification is not supported");
        }
    }

    /** The JSON body, or null when there is none. */
    private static JsonNode body(byte[] bytes) {
        if (bytes.length == 0) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(bytes);
            if (node != null && !node.isObject()) {
                throw TritonException.invalidArg("the request body must be a JSON object");
            }
            return node;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw TritonException.invalidArg("failed to parse the request JSON buffer: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw TritonException.invalidArg("failed to read the request body");
        }
    }

    private static ModelLoadParameters loadParameters(JsonNode body) {
        JsonNode parameters = body == null ? null : body.get("parameters");
        if (parameters == null || parameters.isNull()) {
            return ModelLoadParameters.NONE;
        }
        if (!parameters.isObject()) {
            throw TritonException.invalidArg("Expect 'parameters' to be a JSON object");
        }
        String config = null;
        Map<String, byte[]> files = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = parameters.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = field.getKey();
            if (!field.getValue().isTextual()) {
                throw TritonException.invalidArg("Expect the value of load parameter '" + key + "' to be a string");
            }
            String value = field.getValue().textValue();
            if (key.equals("config")) {
                config = value;
            } else if (key.startsWith(ModelLoadParameters.FILE_PREFIX)) {
                try {
                    files.put(key, Base64.getDecoder().decode(value));
                } catch (IllegalArgumentException e) {
                    throw TritonException.invalidArg("Unable to decode the base64 content of '" + key + "'");
                }
            } else {
                throw TritonException.invalidArg("Unrecognized load parameter '" + key + "'");
            }
        }
        return new ModelLoadParameters(config, files);
    }
}
