package dev.jepserve.http.codec;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jepserve.inference.TritonException;

import java.math.BigInteger;

/**
 * Typed access to a parsed JSON request that fails the way Triton's JSON helper does: an INTERNAL error
 * (HTTP 500) whose text is "{@code <context>: attempt to access ...}". Clients and tests match these texts.
 */
final class TritonJson {
    static final String NOT_STRING = "attempt to access JSON non-string as string";
    static final String NOT_ARRAY = "attempt to access JSON non-array as array";
    static final String NOT_BOOLEAN = "attempt to access JSON non-boolean as boolean";
    static final String NOT_INT = "attempt to access JSON non-signed-integer as signed-integer";
    static final String NOT_UINT = "attempt to access JSON non-unsigned-integer as unsigned-integer";
    static final String NOT_NUMBER = "attempt to access JSON non-number as double";

    private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private TritonJson() {
    }

    /** The member, or null when {@code object} is not an object or lacks it. */
    static JsonNode find(JsonNode object, String name) {
        return object != null && object.isObject() ? object.get(name) : null;
    }

    static JsonNode memberAsArray(JsonNode object, String name, String context) {
        JsonNode value = member(object, name, context);
        if (!value.isArray()) {
            throw failure(context, NOT_ARRAY);
        }
        return value;
    }

    static String memberAsString(JsonNode object, String name, String context) {
        return asString(member(object, name, context), context);
    }

    static String asString(JsonNode value, String context) {
        if (!value.isTextual()) {
            throw failure(context, NOT_STRING);
        }
        return value.textValue();
    }

    static boolean asBool(JsonNode value, String context) {
        if (!value.isBoolean()) {
            throw failure(context, NOT_BOOLEAN);
        }
        return value.booleanValue();
    }

    /** An unsigned 64-bit value, returned as its bit pattern (values above Long.MAX_VALUE come back negative). */
    static long asUInt(JsonNode value, String context) {
        if (!isUInt64(value)) {
            throw failure(context, NOT_UINT);
        }
        return longBits(value);
    }

    /** An integer that fits in int64 (rapidjson's IsInt64). */
    static boolean isInt64(JsonNode value) {
        return value.isIntegralNumber() && value.canConvertToLong();
    }

    /** An integer in [0, 2^64) (rapidjson's IsUint64). */
    static boolean isUInt64(JsonNode value) {
        if (!value.isIntegralNumber()) {
            return false;
        }
        if (value.canConvertToLong()) {
            return value.longValue() >= 0;
        }
        BigInteger big = value.bigIntegerValue();
        return big.signum() >= 0 && big.compareTo(UINT64_MAX) <= 0;
    }

    /** The low 64 bits of an integral value (a C cast of a uint64 to int64). */
    static long longBits(JsonNode value) {
        return value.canConvertToLong() ? value.longValue() : value.bigIntegerValue().longValue();
    }

    static TritonException failure(String context, String detail) {
        return TritonException.internal(context + ": " + detail);
    }

    /** The member, which must exist. */
    static JsonNode member(JsonNode object, String name, String context) {
        JsonNode value = find(object, name);
        if (value == null) {
            throw failure(context, "attempt to access non-existing object member '" + name + "'");
        }
        return value;
    }
}
