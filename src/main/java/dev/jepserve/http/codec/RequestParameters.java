package dev.jepserve.http.codec;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jepserve.inference.InferenceRequest;
import dev.jepserve.inference.TritonException;

import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The request-level {@code parameters} object of an /infer body. Reserved keys become request fields; a key
 * starting with {@code triton_} is refused; every other key is a custom parameter for the model.
 *
 * @param correlationId    {@code sequence_id}: a Long (unsigned bit pattern) or a String; 0L when absent
 * @param flags            bit 1 = {@code sequence_start}, bit 2 = {@code sequence_end}
 * @param priority         {@code priority} (unsigned), 0 when absent
 * @param timeoutMicros    {@code timeout} in microseconds (unsigned), 0 when absent
 * @param binaryDataOutput {@code binary_data_output}: the default encoding for outputs the request does not list
 * @param custom           the remaining parameters in request order: String, Long, Boolean or Double values
 */
public record RequestParameters(
        Object correlationId,
        long flags,
        long priority,
        long timeoutMicros,
        boolean binaryDataOutput,
        Map<String, Object> custom) {


    public static final RequestParameters NONE = new RequestParameters(0L, 0, 0, 0, false, Map.of());

    public RequestParameters {
        custom = Collections.unmodifiableMap(new LinkedHashMap<>(custom));
    }

    /**
     * Reads the {@code parameters} member, or returns {@link #NONE} when it is absent.
     *
     * @throws TritonException 500 with Triton's texts for wrongly typed reserved keys, 400 for {@code triton_}
     *                         keys and for custom values that are not string, integer, boolean or number
     */
    public static RequestParameters parse(JsonNode parameters) {
        if (parameters == null) {
            return NONE;
        }
        if (!parameters.isObject()) {
            throw TritonException.internal("failed to get request params.: attempt to get members for non-object");
        }
        Object correlationId = 0L;
        long flags = 0;
        long priority = 0;
        long timeout = 0;
        boolean binaryDataOutput = false;
        Map<String, Object> custom = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> members = parameters.fields();
        while (members.hasNext()) {
            Map.Entry<String, JsonNode> member = members.next();
            String key = member.getKey();
            JsonNode value = member.getValue();
            switch (key) {
                case "sequence_id" -> correlationId = TritonJson.isUInt64(value)
                        ? (Object) TritonJson.longBits(value)
                        : TritonJson.asString(value, "Unable to parse 'sequence_id'");
                case "sequence_start" -> {
                    if (TritonJson.asBool(value, "Unable to parse 'sequence_start'")) {
                        flags |= InferenceRequest.FLAG_SEQUENCE_START;
                    }
                }
                case "sequence_end" -> {
                    if (TritonJson.asBool(value, "Unable to parse 'sequence_end'")) {
                        flags |= InferenceRequest.FLAG_SEQUENCE_END;
                    }
                }
                case "priority" -> priority = TritonJson.asUInt(value, "Unable to parse 'priority'");
                case "timeout" -> timeout = TritonJson.asUInt(value, "Unable to parse 'timeout'");
                case "binary_data_output" ->
                        binaryDataOutput = TritonJson.asBool(value, "Unable to parse 'binary_data_output'");
                default -> {
                    if (key.startsWith("triton_")) {
                        throw TritonException.invalidArg("parameter keys starting with 'triton_' are reserved for "
                                + "Triton usage and should not be specified.");
                    }
                    custom.put(key, customValue(key, value));
                }
            }
        }
        return new RequestParameters(correlationId, flags, priority, timeout, binaryDataOutput, custom);
    }

    /** A custom parameter value: String, Long, Boolean or Double; anything else is refused with Triton's text. */
    static Object customValue(String key, JsonNode value) {
        if (value.isTextual()) {
            return value.textValue();
        }
        if (TritonJson.isInt64(value)) {
            return value.longValue();
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isNumber()) {
            return value.doubleValue();
        }
        throw TritonException.invalidArg("parameter '" + key
                + "' has invalid type. It should be either 'int', 'bool', or 'string'.");
    }
}
