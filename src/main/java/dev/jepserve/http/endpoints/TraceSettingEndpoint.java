package dev.jepserve.http.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jepserve.http.codec.JsonSupport;
import dev.jepserve.http.transport.Endpoint;
import dev.jepserve.http.transport.EndpointRequest;
import dev.jepserve.http.transport.HttpReplies;
import dev.jepserve.inference.InferenceService;
import dev.jepserve.inference.TritonException;
import dev.jepserve.trace.TraceManager;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The trace extension: {@code GET /v2[/models/{m}]/trace/setting} answers the settings in force (a model's are
 * the global ones until it sets its own), {@code POST} changes those its body names (a JSON null clears one; a
 * model with an empty body loses all of its own). Values are strings, {@code trace_level} a list of strings.
 */
public final class TraceSettingEndpoint implements Endpoint {
    private final InferenceService service;
    private final TraceManager traces;
    private final ObjectMapper json = new ObjectMapper();

    public TraceSettingEndpoint(InferenceService service, TraceManager traces) {
        this.service = service;
        this.traces = traces;
    }

    @Override
    public CompletionStage<FullHttpResponse> handle(EndpointRequest request) {
        String model = request.param("model");
        if (model != null) {
            service.model(model, ""); // an unknown model is an error, as in Triton
        }
        Map<String, List<String>> settings;
        if (HttpMethod.POST.equals(request.http().method())) {
            settings = traces.update(model, decode(ByteBufUtil.getBytes(request.http().content())));
        } else {
            settings = traces.settings(model);
        }
        Map<String, List<String>> answered = settings;
        byte[] body = JsonSupport.write(gen -> {
            gen.writeStartObject();
            for (Map.Entry<String, List<String>> setting : answered.entrySet()) {
                if (setting.getKey().equals("trace_level")) {
                    gen.writeArrayFieldStart(setting.getKey());
                    for (String level : setting.getValue()) {
                        gen.writeString(level);
                    }
                    gen.writeEndArray();
                } else {
                    gen.writeStringField(setting.getKey(), setting.getValue().get(0));
                }
            }
            gen.writeEndObject();
        });
        return CompletableFuture.completedFuture(HttpReplies.json(HttpResponseStatus.OK, body));
    }

    /** Member name to its values (null: clear it), in body order; a value is a string, a number or a list of them. */
    private Map<String, List<String>> decode(byte[] body) {
        Map<String, List<String>> changes = new LinkedHashMap<>();
        if (body.length == 0) {
            return changes;
        }
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (IOException e) {
            throw TritonException.invalidArg("failed to parse the request JSON buffer");
        }
        if (root == null || !root.isObject()) {
            throw TritonException.invalidArg("failed to parse the request JSON buffer: expected a JSON object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> member = it.next();
            JsonNode value = member.getValue();
            if (value.isNull()) {
                changes.put(member.getKey(), null);
            } else if (value.isArray()) {
                List<String> values = new ArrayList<>();
                for (JsonNode element : value) {
                    values.add(scalar(member.getKey(), element));
                }
                changes.put(member.getKey(), values);
            } else {
                changes.put(member.getKey(), List.of(scalar(member.getKey(), value)));
            }
        }
        return changes;
    }

    private static String scalar(String key, JsonNode value) {
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isIntegralNumber()) {
            return value.asText();
        }
        throw TritonException.invalidArg("expect string or array of strings for '" + key + "'");
    }
}
