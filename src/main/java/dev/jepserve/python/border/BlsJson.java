package dev.jepserve.python.border;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jepserve.inference.InferenceResponse;
import dev.jepserve.inference.Tensor;
import dev.jepserve.inference.TritonException;

import java.util.ArrayList;
import java.util.Iterator;
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

    /** @throws IllegalArgumentException for malformed text */
    public static BlsRequestMessage readRequest(String text) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("malformed BLS request: " + e.getOriginalMessage());
        }
        List<InputMessage> inputs = new ArrayList<>();
        for (JsonNode input : root.path("inputs")) {
            JsonNode shape = input.path("shape");
            long[] dims = new long[shape.size()];
            for (int i = 0; i < dims.length; i++) {
                dims[i] = shape.get(i).asLong();
            }
            inputs.add(new InputMessage(input.path("name").asText(), input.path("datatype").asInt(), dims,
                    input.path("buffer").asInt()));
        }
        List<String> outputs = new ArrayList<>();
        root.path("requested_outputs").forEach(name -> outputs.add(name.asText()));
        JsonNode correlation = root.path("correlation_id");
        Object correlationId = correlation.isTextual() ? correlation.asText() : (Object) correlation.asLong();
        Map<String, Object> parameters = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("parameters").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode value = field.getValue();
            parameters.put(field.getKey(), value.isBoolean() ? (Object) value.booleanValue()
                    : value.isIntegralNumber() ? (Object) value.longValue() : value.asText());
        }
        return new BlsRequestMessage(root.path("model_name").asText(), root.path("model_version").asLong(-1),
                root.path("id").asText(), correlationId, root.path("flags").asLong(), root.path("timeout_us").asLong(),
                parameters, outputs, inputs, root.path("decoupled").asBoolean());
    }

    /** A successful answer (null: an empty final one, a decoupled target's flag-only "done"). */
    public static String writeResponse(InferenceResponse response, boolean isFinal) {
        ObjectNode root = JSON.createObjectNode();
        root.put("final", isFinal);
        ArrayNode outputs = root.putArray("outputs");
        ObjectNode parameters = root.putObject("parameters");
        if (response != null) {
            for (Tensor tensor : response.outputs()) {
                ObjectNode output = outputs.addObject();
                output.put("name", tensor.name());
                output.put("datatype", tensor.dataType().code());
                ArrayNode shape = output.putArray("shape");
                for (long dim : tensor.shape()) {
                    shape.add(dim);
                }
            }
            response.parameters().forEach((key, value) -> parameters.set(key, JSON.valueToTree(value)));
        }
        root.putNull("error");
        return root.toString();
    }

    /** An error answer; its code is pb_utils.TritonError's (TRITONSERVER_Error_Code order). */
    public static String writeError(TritonException error, boolean isFinal) {
        ObjectNode root = JSON.createObjectNode();
        root.put("final", isFinal);
        root.putArray("outputs");
        root.putObject("parameters");
        ObjectNode failure = root.putObject("error");
        failure.put("code", error.code().ordinal());
        failure.put("message", error.getMessage());
        return root.toString();
    }
}
