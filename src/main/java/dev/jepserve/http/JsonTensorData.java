package dev.jepserve.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jepserve.inference.DataType;
import dev.jepserve.inference.TritonException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An input tensor's JSON {@code data}: nested or flat arrays of values, row-major. {@link #parse} checks every
 * element's JSON type and the element count against the shape (Triton's texts; INTERNAL, i.e. HTTP 500) and
 * measures the bytes; {@link #writeTo} then stores the values in wire layout.
 */
final class JsonTensorData {
    static final String SHAPE_MISMATCH = "Unable to parse 'data': Shape does not match true shape of 'data' field";

    private final DataType type;
    private final JsonNode data;
    private final List<byte[]> strings; // BYTES only: every element already UTF-8 encoded
    private final long byteSize;

    private JsonTensorData(DataType type, JsonNode data, List<byte[]> strings, long byteSize) {
        this.type = type;
        this.data = data;
        this.strings = strings;
        this.byteSize = byteSize;
    }

    /**
     * Validates {@code data} for an input of {@code type} that must hold {@code expectedCount} elements.
     *
     * @throws TritonException 400 for FP16/BF16 (not representable in JSON), 500 for type or count mismatches
     */
    static JsonTensorData parse(String inputName, DataType type, JsonNode data, long expectedCount) {
        if (type == DataType.FP16 || type == DataType.BF16) {
            throw TritonException.invalidArg("receiving " + type.protocolName() + " data via JSON is not supported. "
                    + "Please use the binary data format for input " + inputName);
        }
        if (type == DataType.BYTES) {
            List<byte[]> strings = new ArrayList<>();
            collectStrings(data, strings);
            if (strings.size() != expectedCount) {
                throw TritonException.internal(SHAPE_MISMATCH);
            }
            return new JsonTensorData(type, data, strings, BytesElements.encodedSize(strings));
        }
        long count = countChecked(data, type, expectedCount, 0);
        if (count != expectedCount) {
            throw TritonException.internal(SHAPE_MISMATCH);
        }
        return new JsonTensorData(type, data, null, count * type.byteSize());
    }

    long byteSize() {
        return byteSize;
    }

    /** Stores the values at the buffer's position (little-endian), advancing it by {@link #byteSize()}. */
    void writeTo(ByteBuffer destination) {
        ByteBuffer le = destination.order(ByteOrder.LITTLE_ENDIAN);
        if (strings != null) {
            for (byte[] element : strings) {
                BytesElements.put(le, element);
            }
        } else {
            writeValues(data, le);
        }
    }

    private static void collectStrings(JsonNode node, List<byte[]> out) {
        if (node.isArray()) {
            for (JsonNode element : node) {
                collectStrings(element, out);
            }
            return;
        }
        if (!node.isTextual()) {
            throw TritonJson.failure("Unable to parse 'data'", TritonJson.NOT_STRING);
        }
        out.add(node.textValue().getBytes(StandardCharsets.UTF_8));
    }

    /** Counts leaves depth-first, failing on the first one past the expected count or of the wrong type. */
    private static long countChecked(JsonNode node, DataType type, long expected, long seen) {
        if (node.isArray()) {
            long count = seen;
            for (JsonNode element : node) {
                count = countChecked(element, type, expected, count);
            }
            return count;
        }
        if (seen >= expected) {
            throw TritonException.internal(SHAPE_MISMATCH);
        }
        String mismatch = typeMismatch(node, type);
        if (mismatch != null) {
            throw TritonJson.failure("Unable to parse 'data'", mismatch);
        }
        return seen + 1;
    }

    /** Null when the JSON value can be stored as {@code type}, else Triton's complaint. */
    private static String typeMismatch(JsonNode value, DataType type) {
        switch (type) {
            case BOOL:
                return value.isBoolean() ? null : TritonJson.NOT_BOOLEAN;
            case UINT8: case UINT16: case UINT32: case UINT64:
                return TritonJson.isUInt64(value) ? null : TritonJson.NOT_UINT;
            case INT8: case INT16: case INT32: case INT64:
                return TritonJson.isInt64(value) ? null : TritonJson.NOT_INT;
            case FP32: case FP64:
                return value.isNumber() ? null : TritonJson.NOT_NUMBER;
            default:
                throw new IllegalStateException("no JSON form for " + type);
        }
    }

    private void writeValues(JsonNode node, ByteBuffer out) {
        if (node.isArray()) {
            for (JsonNode element : node) {
                writeValues(element, out);
            }
            return;
        }
        // Narrowing casts truncate out-of-range values, as Triton's C casts do.
        switch (type) {
            case BOOL -> out.put((byte) (node.booleanValue() ? 1 : 0));
            case UINT8, INT8 -> out.put((byte) TritonJson.longBits(node));
            case UINT16, INT16 -> out.putShort((short) TritonJson.longBits(node));
            case UINT32, INT32 -> out.putInt((int) TritonJson.longBits(node));
            case UINT64, INT64 -> out.putLong(TritonJson.longBits(node));
            case FP32 -> out.putFloat((float) node.doubleValue());
            case FP64 -> out.putDouble(node.doubleValue());
            default -> throw new IllegalStateException("no JSON form for " + type);
        }
    }
}
