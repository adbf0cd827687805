package dev.jepserve.python.border;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON text of the border messages. A batch is written by hand into one string (one Jep conversion per
 * execute() instead of one per field: measured 13 → 7 µs per request); responses are small and parsed with
 * Jackson. Field names are the Python NamedTuples' field names.
 */
public final class BorderJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private BorderJson() {
    }

    public static String write(BatchMessage batch) {
        StringBuilder json = new StringBuilder(160 * batch.requests().size() + 32);
        json.append("{\"batch\":").append(batch.batch()).append(",\"requests\":[");
        for (int r = 0; r < batch.requests().size(); r++) {
            RequestMessage request = batch.requests().get(r);
            json.append(r == 0 ? "{" : ",{").append("\"handle\":").append(request.handle()).append(",\"id\":");
            appendString(json, request.id()).append(",\"correlation_id\":");
            if (request.correlationId() instanceof String text) {
                appendString(json, text);
            } else {
                json.append(((Number) request.correlationId()).longValue());
            }
            json.append(",\"flags\":").append(request.flags()).append(",\"timeout_us\":").append(request.timeoutMicros())
                    .append(",\"parameters\":").append(parametersJson(request.parameters()))
                    .append(",\"requested_outputs\":[");
            for (int o = 0; o < request.requestedOutputs().size(); o++) {
                appendString(o == 0 ? json : json.append(','), request.requestedOutputs().get(o));
            }
            json.append("],\"inputs\":[");
            for (int i = 0; i < request.inputs().size(); i++) {
                InputMessage input = request.inputs().get(i);
                appendString(json.append(i == 0 ? "{\"name\":" : ",{\"name\":"), input.name());
                json.append(",\"datatype\":").append(input.datatype()).append(",\"shape\":[");
                long[] shape = input.shape();
                for (int d = 0; d < shape.length; d++) {
                    json.append(d == 0 ? "" : ",").append(shape[d]);
                }
                json.append("],\"buffer\":").append(input.buffer()).append('}');
            }
            json.append("]}");
        }
        return json.append("]}").toString();
    }

    public static ResponseMessage readResponse(String text) {
        JsonNode root = parse(text);
        List<OutputMessage> outputs = new ArrayList<>();
        for (JsonNode output : root.path("outputs")) {
            outputs.add(new OutputMessage(output.path("name").asText(), output.path("datatype").asInt(),
                    longs(output.path("shape"))));
        }
        JsonNode error = root.path("error");
        return new ResponseMessage(root.path("request").asLong(), root.path("final").asBoolean(),
                root.path("empty").asBoolean(), outputs, parameters(root.path("parameters")),
                error.isObject() ? new ErrorMessage(error.path("code").asInt(), error.path("message").asText()) : null);
    }

    public static ExecutionDoneMessage readExecutionDone(String text) {
        JsonNode root = parse(text);
        return new ExecutionDoneMessage(root.path("batch").asLong(), root.path("compute_input_ns").asLong(),
                root.path("compute_infer_ns").asLong(), root.path("compute_output_ns").asLong());
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("malformed border message: " + e.getOriginalMessage());
        }
    }

    private static long[] longs(JsonNode array) {
        long[] values = new long[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asLong();
        }
        return values;
    }

    private static Map<String, Object> parameters(JsonNode object) {
        if (!object.isObject() || object.isEmpty()) {
            return Map.of();
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode value = field.getValue();
            values.put(field.getKey(), value.isBoolean() ? (Object) value.booleanValue()
                    : value.isIntegralNumber() ? (Object) value.longValue()
                    : value.isNumber() ? (Object) value.doubleValue() : value.asText());
        }
        return Collections.unmodifiableMap(values);
    }

    private static StringBuilder appendString(StringBuilder json, String text) {
        return json.append('"').append(JsonStringEncoder.getInstance().quoteAsString(text)).append('"');
    }

    private static String parametersJson(Map<String, Object> parameters) {
        if (parameters.isEmpty()) {
            return "{}";
        }
        try {
            return JSON.writeValueAsString(parameters);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
