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
            return readRequest(parser);
        } catch (IOException e) {
            throw malformedRequest(e);
        }
    }

    private static IllegalArgumentException malformedRequest(IOException e) {
        return new IllegalArgumentException("malformed BLS request: "
                + (e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage()));
    }

    /**
     * A direct call (see {@link BlsDirectCallMessage}), read as {@link #readRequest} reads its request.
     *
     * @throws IllegalArgumentException for malformed text
     */
    public static BlsDirectCallMessage readDirectCall(String text) {
        try (JsonParser parser = JSON.getFactory().createParser(text)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("malformed BLS request: not an object");
            }
            BlsRequestMessage request = null;
            long[] sizes = new long[0];
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "request" -> request = value == JsonToken.START_OBJECT ? readRequest(parser) : null;
                    case "input_byte_sizes" -> sizes = BorderJson.readLongs(parser, value);
                    default -> parser.skipChildren();
                }
            }
            if (request == null || sizes.length != request.inputs().size()) {
                throw new IllegalArgumentException("malformed BLS request: no request, or not one size per input");
            }
            return new BlsDirectCallMessage(request, sizes);
        } catch (IOException e) {
            throw malformedRequest(e);
        }
    }

    /** The done message of a direct call. @throws IllegalArgumentException for malformed text */
    public static BlsDirectDoneMessage readDirectDone(String text) {
        try (JsonParser parser = JSON.getFactory().createParser(text)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("malformed border message: not an object");
            }
            long call = 0;
            long input = 0;
            long infer = 0;
            long output = 0;
            long[] sizes = new long[0];
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "call" -> call = parser.getValueAsLong();
                    case "compute_input_ns" -> input = parser.getValueAsLong();
                    case "compute_infer_ns" -> infer = parser.getValueAsLong();
                    case "compute_output_ns" -> output = parser.getValueAsLong();
                    case "output_byte_sizes" -> sizes = BorderJson.readLongs(parser, value);
                    default -> parser.skipChildren();
                }
            }
            return new BlsDirectDoneMessage(call, input, infer, output, sizes);
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed border message: "
                    + (e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage()));
        }
    }

    /** Written by hand, as the answers: this runs once per direct call. */
    public static String writeDirectStart(BlsDirectStartMessage start) {
        StringBuilder json = new StringBuilder(128).append("{\"call\":").append(start.call())
                .append(",\"instance\":");
        appendString(json, start.instance()).append(",\"request\":").append(start.request())
                .append(",\"requested_outputs\":");
        appendStrings(json, start.requestedOutputs()).append(",\"error\":");
        return appendError(json, start.error()).append('}').toString();
    }

    public static String writeDirectAnswer(BlsDirectAnswerMessage answer) {
        StringBuilder json = new StringBuilder(64).append("{\"pending\":").append(answer.pending())
                .append(",\"outputs\":");
        appendStrings(json, answer.outputs()).append(",\"error\":");
        return appendError(json, answer.error()).append('}').toString();
    }

    private static StringBuilder appendStrings(StringBuilder json, List<String> texts) {
        json.append('[');
        for (int i = 0; i < texts.size(); i++) {
            appendString(i == 0 ? json : json.append(','), texts.get(i));
        }
        return json.append(']');
    }

    private static StringBuilder appendError(StringBuilder json, ErrorMessage error) {
        if (error == null) {
            return json.append("null");
        }
        json.append("{\"code\":").append(error.code()).append(",\"message\":");
        return appendString(json, error.message()).append('}');
    }

    /** Reads a request object's fields (the parser just past its START_OBJECT) up to its END_OBJECT. */
    private static BlsRequestMessage readRequest(JsonParser parser) throws IOException {
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
