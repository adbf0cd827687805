package dev.jepserve.grpc;

import dev.jepserve.grpc.proto.InferParameter;
import dev.jepserve.inference.TritonException;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InferRequestParametersTest {
    private static InferParameter int64(long value) {
        return InferParameter.newBuilder().setInt64Param(value).build();
    }

    private static InferParameter uint64(long value) {
        return InferParameter.newBuilder().setUint64Param(value).build();
    }

    private static InferParameter string(String value) {
        return InferParameter.newBuilder().setStringParam(value).build();
    }

    private static InferParameter bool(boolean value) {
        return InferParameter.newBuilder().setBoolParam(value).build();
    }

    private static InferParameter real(double value) {
        return InferParameter.newBuilder().setDoubleParam(value).build();
    }

    @Test
    void noParametersMeansNothingSet() {
        InferRequestParameters parameters = InferRequestParameters.read(Map.of());
        assertThat(parameters.correlationId()).isEqualTo(0L);
        assertThat(parameters.flags()).isZero();
        assertThat(parameters.timeoutMicros()).isZero();
        assertThat(parameters.enableEmptyFinalResponse()).isFalse();
        assertThat(parameters.custom()).isEmpty();
    }

    @Test
    void reservedKeysBecomeRequestFields() {
        Map<String, InferParameter> map = new LinkedHashMap<>();
        map.put("sequence_id", int64(42));
        map.put("sequence_start", bool(true));
        map.put("sequence_end", bool(true));
        map.put("priority", uint64(3));
        map.put("timeout", int64(1500));
        map.put("triton_enable_empty_final_response", bool(true));
        InferRequestParameters parameters = InferRequestParameters.read(map);
        assertThat(parameters.correlationId()).isEqualTo(42L);
        assertThat(parameters.flags()).isEqualTo(dev.jepserve.inference.InferenceRequest.FLAG_SEQUENCE_START
                | dev.jepserve.inference.InferenceRequest.FLAG_SEQUENCE_END);
        assertThat(parameters.priority()).isEqualTo(3);
        assertThat(parameters.timeoutMicros()).isEqualTo(1500);
        assertThat(parameters.enableEmptyFinalResponse()).isTrue();
        assertThat(parameters.custom()).isEmpty();
    }

    @Test
    void aStringSequenceIdStaysAString() {
        assertThat(InferRequestParameters.read(Map.of("sequence_id", string("abc"))).correlationId()).isEqualTo("abc");
    }

    @Test
    void customParametersKeepTheirKinds() {
        Map<String, InferParameter> map = new LinkedHashMap<>();
        map.put("s", string("x"));
        map.put("i", int64(-4));
        map.put("b", bool(false));
        map.put("d", real(0.25));
        assertThat(InferRequestParameters.read(map).custom())
                .containsExactly(Map.entry("s", "x"), Map.entry("i", -4L), Map.entry("b", false), Map.entry("d", 0.25));
    }

    @Test
    void wronglyTypedReservedKeysGetTritonsTexts() {
        assertRefused(Map.of("sequence_id", bool(true)),
                "invalid value type for 'sequence_id' parameter, expected int64_param or string_param.");
        assertRefused(Map.of("sequence_start", int64(1)),
                "invalid value type for 'sequence_start' parameter, expected bool_param.");
        assertRefused(Map.of("priority", string("high")),
                "invalid value type for 'priority' parameter, expected int64_param or uint64_param.");
        assertRefused(Map.of("priority", int64(-1)), "invalid value for 'priority', expected value >= 0.");
        assertRefused(Map.of("timeout", uint64(5)), "invalid value type for 'timeout' parameter, expected int64_param.");
        assertRefused(Map.of("triton_enable_empty_final_response", int64(1)),
                "invalid value type for 'triton_enable_empty_final_response' parameter, expected bool_param.");
    }

    @Test
    void otherTritonKeysAndUnsignedCustomValuesAreRefused() {
        assertRefused(Map.of("triton_x", bool(true)), "parameter keys starting with 'triton_' are reserved for Triton "
                + "usage. Only the following keys starting with 'triton_' are allowed: "
                + "triton_enable_empty_final_response");
        assertRefused(Map.of("k", uint64(1)),
                "invalid value type for 'k' parameter, expected int64_param, bool_param, double_param or string_param.");
    }

    private static void assertRefused(Map<String, InferParameter> parameters, String message) {
        assertThatThrownBy(() -> InferRequestParameters.read(parameters))
                .isInstanceOfSatisfying(TritonException.class,
                        e -> assertThat(e.code()).isEqualTo(dev.jepserve.inference.TritonCode.INVALID_ARG))
                .hasMessage(message);
    }
}
