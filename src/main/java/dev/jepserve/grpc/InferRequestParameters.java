package dev.jepserve.grpc;

import dev.jepserve.grpc.proto.InferParameter;
import dev.jepserve.inference.InferenceRequest;
import dev.jepserve.inference.TritonException;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code parameters} map of a ModelInferRequest, read as Triton's gRPC front end reads it: reserved keys
 * become request fields and must have the documented value kind, {@code triton_enable_empty_final_response} is
 * the only {@code triton_} key allowed, every other key is a custom parameter for the model.
 *
 * @param correlationId            {@code sequence_id}: a Long (int64_param) or a String; 0L when absent
 * @param flags                    bit 1 = {@code sequence_start}, bit 2 = {@code sequence_end}
 * @param priority                 {@code priority} (int64_param >= 0 or uint64_param), 0 when absent
 * @param timeoutMicros            {@code timeout} (int64_param) in microseconds, 0 when absent
 * @param enableEmptyFinalResponse {@code triton_enable_empty_final_response}: stream an empty final response
 * @param custom                   the remaining parameters: String, Long, Boolean or Double values
 */
public record InferRequestParameters(
        Object correlationId,
        long flags,
        long priority,
        long timeoutMicros,
        boolean enableEmptyFinalResponse,
        Map<String, Object> custom) {

    /** The one {@code triton_} request parameter a client may send. */
    public static final String ENABLE_EMPTY_FINAL_RESPONSE = "triton_enable_empty_final_response";

    public InferRequestParameters {
        custom = Collections.unmodifiableMap(new LinkedHashMap<>(custom));
    }

    /** @throws TritonException INVALID_ARG with Triton's texts for wrongly typed or reserved keys */
    public static InferRequestParameters read(Map<String, InferParameter> parameters) {
        Object correlationId = 0L;
        long flags = 0;
        long priority = 0;
        long timeout = 0;
        boolean emptyFinal = false;
        Map<String, Object> custom = new LinkedHashMap<>();
        for (Map.Entry<String, InferParameter> entry : parameters.entrySet()) {
            String key = entry.getKey();
            InferParameter value = entry.getValue();
            switch (key) {
                case "sequence_id" -> correlationId = switch (value.getParameterChoiceCase()) {
                    case INT64_PARAM -> value.getInt64Param();
                    case STRING_PARAM -> value.getStringParam();
                    default -> throw wrongKind(key, "int64_param or string_param");
                };
                case "sequence_start" -> {
                    if (bool(key, value)) {
                        flags |= InferenceRequest.FLAG_SEQUENCE_START;
                    }
                }
                case "sequence_end" -> {
                    if (bool(key, value)) {
                        flags |= InferenceRequest.FLAG_SEQUENCE_END;
                    }
                }
                case "priority" -> priority = switch (value.getParameterChoiceCase()) {
                    case INT64_PARAM -> {
                        if (value.getInt64Param() < 0) {
                            throw TritonException.invalidArg("invalid value for 'priority', expected value >= 0.");
                        }
                        yield value.getInt64Param();
                    }
                    case UINT64_PARAM -> value.getUint64Param();
                    default -> throw wrongKind(key, "int64_param or uint64_param");
                };
                case "timeout" -> {
                    if (value.getParameterChoiceCase() != InferParameter.ParameterChoiceCase.INT64_PARAM) {
                        throw wrongKind(key, "int64_param");
                    }
                    // Triton reads it as unsigned; a negative value would be a timeout too far away to matter.
                    timeout = Math.max(0, value.getInt64Param());
                }
                case ENABLE_EMPTY_FINAL_RESPONSE -> emptyFinal = bool(key, value);
                default -> {
                    if (key.startsWith("triton_")) {
                        throw TritonException.invalidArg("parameter keys starting with 'triton_' are reserved for "
                                + "Triton usage. Only the following keys starting with 'triton_' are allowed: "
                                + ENABLE_EMPTY_FINAL_RESPONSE);
                    }
                    custom.put(key, customValue(key, value));
                }
            }
        }
        return new InferRequestParameters(correlationId, flags, priority, timeout, emptyFinal, custom);
    }

    private static boolean bool(String key, InferParameter value) {
        if (value.getParameterChoiceCase() != InferParameter.ParameterChoiceCase.BOOL_PARAM) {
            throw wrongKind(key, "bool_param");
        }
        return value.getBoolParam();
    }

    private static Object customValue(String key, InferParameter value) {
        return switch (value.getParameterChoiceCase()) {
            case INT64_PARAM -> value.getInt64Param();
            case BOOL_PARAM -> value.getBoolParam();
            case STRING_PARAM -> value.getStringParam();
            case DOUBLE_PARAM -> value.getDoubleParam();
            default -> throw wrongKind(key, "int64_param, bool_param, double_param or string_param");
        };
    }

    private static TritonException wrongKind(String key, String expected) {
        return TritonException.invalidArg("invalid value type for '" + key + "' parameter, expected " + expected + ".");
    }
}
