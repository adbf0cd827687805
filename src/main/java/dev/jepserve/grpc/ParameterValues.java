package dev.jepserve.grpc;

import dev.jepserve.grpc.proto.InferParameter;

import java.util.LinkedHashMap;
import java.util.Map;

/** Response parameters as the domain holds them (String, Long, Boolean, Double) to their gRPC form. */
final class ParameterValues {
    private ParameterValues() {
    }

    static InferParameter toProto(Object value) {
        InferParameter.Builder parameter = InferParameter.newBuilder();
        if (value instanceof Boolean flag) {
            parameter.setBoolParam(flag);
        } else if (value instanceof Double || value instanceof Float) {
            parameter.setDoubleParam(((Number) value).doubleValue());
        } else if (value instanceof Number number) {
            parameter.setInt64Param(number.longValue());
        } else {
            parameter.setStringParam(String.valueOf(value));
        }
        return parameter.build();
    }

    static Map<String, InferParameter> toProto(Map<String, Object> values) {
        Map<String, InferParameter> parameters = new LinkedHashMap<>();
        values.forEach((key, value) -> parameters.put(key, toProto(value)));
        return parameters;
    }
}
