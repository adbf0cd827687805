package dev.jepserve.python.border;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jepserve.inference.InferenceResponse;
import dev.jepserve.inference.Tensor;
import dev.jepserve.inference.TritonException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON text of the BLS messages: {@link BlsRequestMessage} from Python, and the answers going back
 * ({@code jepserve_bls} reads them): {@code {"final", "outputs": [{name, datatype, shape}], "parameters",
 * "error": {code, message} | null}} with the output bytes beside, in output order.
 */
public final class BlsJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private BlsJson() {
    }

    /**
     * Reads the request with a streaming parser (no tree: this runs once per call, on the hop's path).
     *
     * @throws IllegalArgumentException for malformed text
     */
    public static BlsRequestMessage readRequest(String text) {
        try (JsonParser parser = JSON.getFactory().createParser(text)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("malformed BLS request: not an object");
            }
            String modelName = "";
            long modelVersion = -1;
            String id = "";
            Object correlationId = 0L;
            long flags = 0;
            long timeout = 0;
            Map<String, Object> parameters = Map.of();
            List<String> outputs = List.of();
            List<InputMessage> inputs = List.of();
            boolean decoupled = false;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "model_name" -> modelName = parser.getValueAsString("");
                    case "model_version" -> modelVersion = parser.getValueAsLong(-1);
                    case "id" -> id = parser.getValueAsString("");
                    case "correlation_id" -> correlationId = value == JsonToken.VALUE_STRING ? parser.getText()
                            : (Object) parser.getValueAsLong();
                    case "flags" -> flags = parser.getValueAsLong();
                    case "timeout_us" -> timeout = parser.getValueAsLong();
                    case "parameters" -> parameters = readParameters(parser);
                    case "requested_outputs" -> outputs = readStrings(parser);
                    case "inputs" -> inputs = readInputs(parser);
                    case "decoupled" -> decoupled = parser.getValueAsBoolean();
                    default -> parser.skipChildren();
                }
            }
            return new BlsRequestMessage(modelName, modelVersion, id, correlationId, flags, timeout, parameters,
                    outputs, inputs, decoupled);
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed BLS request: "
                    + (e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage()));
        }
    }

    private static Map<String, Object> readParameters(JsonParser parser) throws IOException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            parser.skipChildren();
            return Map.of();
        }
        Map<String, Object> parameters = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            JsonToken value = parser.nextToken();
            parameters.put(key, value == JsonToken.VALUE_TRUE || value == JsonToken.VALUE_FALSE
                    ? (Object) parser.getBooleanValue()
                    : value == JsonToken.VALUE_NUMBER_INT ? (Object) parser.getLongValue() : parser.getValueAsString(""));
            parser.skipChildren();
        }
        return parameters;
    }

    private static List<String> readStrings(JsonParser parser) throws IOException {
        List<String> values = new ArrayList<>(4);
        if (parser.currentToken() == JsonToken.START_ARRAY) {
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                values.add(parser.getValueAsString(""));
                parser.skipChildren();
            }
        } else {
            parser.skipChildren();
        }
        return values;
    }

    private static List<InputMessage> readInputs(JsonParser parser) throws IOException {
        List<InputMessage> inputs = new ArrayList<>(4);
        if (parser.currentToken() != JsonToken.START_ARRAY) {
            parser.skipChildren();
            return inputs;
        }
        while (parser.nextToken() == JsonToken.START_OBJECT) {
            String name = "";
            int datatype = 0;
            long[] shape = new long[0];
            int buffer = -1;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "name" -> name = parser.getValueAsString("");
                    case "datatype" -> datatype = parser.getValueAsInt();
                    case "buffer" -> buffer = parser.getValueAsInt(-1);
                    case "shape" -> shape = BorderJson.readLongs(parser, value);
                    default -> parser.skipChildren();
                }
            }
            inputs.add(new InputMessage(name, datatype, shape, buffer));
        }
        return inputs;
    }

    /**
     * A successful answer (null: an empty final one, a decoupled target's flag-only "done"). Written by hand:
     * this runs once per answer.
     */
    public static String writeResponse(InferenceResponse response, boolean isFinal) {
        StringBuilder json = new StringBuilder(128).append("{\"final\":").append(isFinal).append(",\"outputs\":[");
        if (response == null) {
            return json.append("],\"parameters\":{},\"error\":null}").toString();
        }
        List<Tensor> outputs = response.outputs();
        for (int i = 0; i < outputs.size(); i++) {
            Tensor tensor = outputs.get(i);
            appendString(json.append(i == 0 ? "{\"name\":" : ",{\"name\":"), tensor.name())
                    .append(",\"datatype\":").append(tensor.dataType().code()).append(",\"shape\":[");
            long[] shape = tensor.shape();
            for (int d = 0; d < shape.length; d++) {
                json.append(d == 0 ? "" : ",").append(shape[d]);
            }
            json.append("]}");
        }
        json.append("],\"parameters\":");
        appendParameters(json, response.parameters());
        return json.append(",\"error\":null}").toString();
    }

    /** An error answer; its code is pb_utils.TritonError's (TRITONSERVER_Error_Code order). */
    public static String writeError(TritonException error, boolean isFinal) {
        StringBuilder json = new StringBuilder(96).append("{\"final\":").append(isFinal)
                .append(",\"outputs\":[],\"parameters\":{},\"error\":{\"code\":").append(error.code().ordinal())
                .append(",\"message\":");
        return appendString(json, String.valueOf(error.getMessage())).append("}}").toString();
    }

    private static void appendParameters(StringBuilder json, Map<String, Object> parameters) {
        if (parameters == null || parameters.isEmpty()) {
            json.append("{}");
            return;
        }
        try {
            json.append(JSON.writeValueAsString(parameters));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static StringBuilder appendString(StringBuilder json, String text) {
        return json.append('"').append(JsonStringEncoder.getInstance().quoteAsString(text)).append('"');
    }
}
