package dev.jepserve.http.codec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.jepserve.inference.DataType;
import dev.jepserve.inference.TritonException;

import java.io.IOException;
import java.math.BigInteger;

/**
 * Triton's rules for one JSON value of a fixed-width tensor element (rapidjson's IsBool, IsInt64, IsUint64,
 * IsNumber), read from the parser's current token without building a node. Values are returned as raw bits so
 * that the caller can store them in one place.
 */
final class JsonElement {
    private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private JsonElement() {
    }

    /**
     * The element's bits: 0/1 for BOOL, the low 64 bits of integers (uint64 above Long.MAX_VALUE come back
     * negative, narrower types are truncated by the caller like Triton's C casts), the raw bits of the float for
     * FP32 (the JSON number read as a double, then narrowed) and of the double for FP64.
     *
     * @throws TritonException Triton's INTERNAL text when the value has the wrong JSON type
     */
    static long bits(JsonParser parser, JsonToken token, DataType type) throws IOException {
        switch (type) {
            case BOOL:
                if (token == JsonToken.VALUE_TRUE || token == JsonToken.VALUE_FALSE) {
                    return token == JsonToken.VALUE_TRUE ? 1 : 0;
                }
                throw mismatch(TritonJson.NOT_BOOLEAN);
            case INT8: case INT16: case INT32: case INT64:
                if (token == JsonToken.VALUE_NUMBER_INT && !isBig(parser)) {
                    return inSignedRange(parser.getLongValue(), type, parser);
                }
                throw mismatch(TritonJson.NOT_INT);
            case UINT8: case UINT16: case UINT32: case UINT64:
                return inUnsignedRange(unsignedBits(parser, token), type, parser);
            case FP32: {
                double value = number(parser, token);
                float narrowed = (float) value;
                if (Float.isInfinite(narrowed) && !Double.isInfinite(value)) {
                    throw outOfRange(parser, type);
                }
                return Float.floatToRawIntBits(narrowed);
            }
            case FP64:
                return Double.doubleToRawLongBits(number(parser, token));
            default:
                throw new IllegalStateException("no JSON form for " + type);
        }
    }

    /** A signed value that fits the type's width (Triton narrows silently; a changed value is refused here). */
    private static long inSignedRange(long value, DataType type, JsonParser parser) throws IOException {
        int bits = type.byteSize() * 8;
        if (bits < 64 && (value < -(1L << (bits - 1)) || value >= 1L << (bits - 1))) {
            throw outOfRange(parser, type);
        }
        return value;
    }

    private static long inUnsignedRange(long value, DataType type, JsonParser parser) throws IOException {
        int bits = type.byteSize() * 8;
        if (bits < 64 && Long.compareUnsigned(value, (1L << bits) - 1) > 0) {
            throw outOfRange(parser, type);
        }
        return value;
    }

    /** 400: the value is a number, but not one the datatype can hold exactly enough to keep it. */
    private static TritonException outOfRange(JsonParser parser, DataType type) throws IOException {
        return TritonException.invalidArg("Unable to parse 'data': value " + shortText(parser.getText())
                + " is out of range for " + type.protocolName());
    }

    private static String shortText(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }

    private static long unsignedBits(JsonParser parser, JsonToken token) throws IOException {
        if (token == JsonToken.VALUE_NUMBER_INT) {
            if (!isBig(parser)) {
                long value = parser.getLongValue();
                if (value >= 0) {
                    return value;
                }
            } else {
                BigInteger big = parser.getBigIntegerValue();
                if (big.signum() >= 0 && big.compareTo(UINT64_MAX) <= 0) {
                    return big.longValue();
                }
            }
        }
        throw mismatch(TritonJson.NOT_UINT);
    }

    /** Any JSON number as a double, converted the way the tree nodes did (integers exactly, then rounded). */
    private static double number(JsonParser parser, JsonToken token) throws IOException {
        if (token == JsonToken.VALUE_NUMBER_FLOAT) {
            double value = parser.getDoubleValue();
            if (Double.isInfinite(value) && !isNonNumericLiteral(parser)) {
                // rapidjson refuses a number past the double range while parsing; Jackson reads it as Infinity.
                throw tooBig(parser);
            }
            return value;
        }
        if (token == JsonToken.VALUE_NUMBER_INT) {
            double value = isBig(parser) ? parser.getBigIntegerValue().doubleValue() : (double) parser.getLongValue();
            if (Double.isInfinite(value)) {
                throw tooBig(parser);
            }
            return value;
        }
        throw mismatch(TritonJson.NOT_NUMBER);
    }

    private static TritonException tooBig(JsonParser parser) throws IOException {
        return TritonException.invalidArg("failed to parse the request JSON buffer: Number too big to be stored in "
                + "double. at 'data' value " + shortText(parser.getText()));
    }

    /** NaN, Infinity and -Infinity spelled out (accepted as rapidjson's kParseNanAndInfFlag accepts them). */
    private static boolean isNonNumericLiteral(JsonParser parser) throws IOException {
        String text = parser.getText();
        return text.indexOf('N') >= 0 || text.indexOf('I') >= 0;
    }

    /** For an integer token: its value is outside the long range. */
    private static boolean isBig(JsonParser parser) throws IOException {
        return parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER;
    }

    private static TritonException mismatch(String detail) {
        return TritonJson.failure("Unable to parse 'data'", detail);
    }
}
