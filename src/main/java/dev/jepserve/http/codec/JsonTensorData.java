package dev.jepserve.http.codec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.jepserve.inference.BytesElements;
import dev.jepserve.inference.DataType;
import dev.jepserve.inference.TritonException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An input tensor's JSON {@code data}: nested or flat arrays of values, row-major. {@link #decode} streams the
 * array once, checking every element's JSON type and the element count against the shape (Triton's texts;
 * INTERNAL, i.e. HTTP 500) while storing the values in wire layout in a new direct buffer. BYTES elements are
 * collected first, as their size is only known at the end.
 */
final class JsonTensorData {
    static final String SHAPE_MISMATCH = "Unable to parse 'data': Shape does not match true shape of 'data' field";

    private JsonTensorData() {
    }

    /**
     * Decodes {@code data} for an input of {@code type} that must hold {@code expectedCount} elements.
     *
     * @param data       a parser over the array alone, before its first token
     * @param dataLength the array's length in bytes of JSON
     * @param maxBytes   the --http-max-input-size limit for the decoded bytes
     * @return a direct little-endian buffer holding exactly the tensor's bytes, positioned at 0
     * @throws TritonException 400 for FP16/BF16 (not representable in JSON) and for a result over
     *                         {@code maxBytes}, 500 for type or count mismatches
     */
    static ByteBuffer decode(String inputName, DataType type, long expectedCount, int maxBytes, JsonParser data,
                             int dataLength) throws IOException {
        if (type == DataType.FP16 || type == DataType.BF16) {
            throw TritonException.invalidArg("receiving " + type.protocolName() + " data via JSON is not supported. "
                    + "Please use the binary data format for input " + inputName);
        }
        if (type == DataType.BYTES) {
            return decodeStrings(inputName, expectedCount, maxBytes, data);
        }
        int width = type.byteSize();
        long byteSize = expectedCount > Long.MAX_VALUE / width ? Long.MAX_VALUE : expectedCount * width;
        // Every element takes at least two bytes of JSON ("1,"): when the array cannot hold the shape's count,
        // reading it only finds the error, so nothing is reserved for a shape a small body cannot match. Over the
        // limit, the elements are still read first: a wrong one is reported before the size, as it always was.
        boolean canMatch = expectedCount <= dataLength / 2;
        ByteBuffer out = canMatch && byteSize <= maxBytes
                ? ByteBuffer.allocateDirect((int) byteSize).order(ByteOrder.LITTLE_ENDIAN) : null;
        readFixedWidth(data, type, expectedCount, out);
        if (byteSize > maxBytes) {
            throw tooLarge(inputName, byteSize, maxBytes);
        }
        if (out == null) {
            throw new IllegalStateException(expectedCount + " elements matched in " + dataLength + " bytes of JSON");
        }
        return out.flip();
    }

    /** Checks every leaf, depth-first; stores each at {@code out}'s position when {@code out} is not null. */
    private static void readFixedWidth(JsonParser data, DataType type, long expected, ByteBuffer out)
            throws IOException {
        data.nextToken(); // the opening bracket
        NestingCheck nesting = new NestingCheck();
        nesting.open(1);
        long seen = 0;
        for (int depth = 1; depth > 0; ) {
            JsonToken token = data.nextToken();
            if (token == JsonToken.START_ARRAY) {
                nesting.open(++depth);
            } else if (token == JsonToken.END_ARRAY) {
                nesting.close(depth--);
            } else {
                if (seen >= expected) {
                    throw TritonException.internal(SHAPE_MISMATCH);
                }
                nesting.value(depth);
                long bits = JsonElement.bits(data, token, type);
                if (out != null) {
                    store(out, type.byteSize(), bits);
                }
                seen++;
            }
        }
        if (seen != expected) {
            throw TritonException.internal(SHAPE_MISMATCH);
        }
    }

    /** The low {@code width} bytes of {@code bits}: the narrowing casts truncate, as Triton's C casts do. */
    private static void store(ByteBuffer out, int width, long bits) {
        switch (width) {
            case 1 -> out.put((byte) bits);
            case 2 -> out.putShort((short) bits);
            case 4 -> out.putInt((int) bits);
            default -> out.putLong(bits);
        }
    }

    private static ByteBuffer decodeStrings(String inputName, long expectedCount, int maxBytes, JsonParser data)
            throws IOException {
        List<byte[]> strings = new ArrayList<>();
        data.nextToken(); // the opening bracket
        NestingCheck nesting = new NestingCheck();
        nesting.open(1);
        for (int depth = 1; depth > 0; ) {
            JsonToken token = data.nextToken();
            if (token == JsonToken.START_ARRAY) {
                nesting.open(++depth);
            } else if (token == JsonToken.END_ARRAY) {
                nesting.close(depth--);
            } else if (token == JsonToken.VALUE_STRING) {
                nesting.value(depth);
                strings.add(data.getText().getBytes(StandardCharsets.UTF_8));
            } else {
                throw TritonJson.failure("Unable to parse 'data'", TritonJson.NOT_STRING);
            }
        }
        if (strings.size() != expectedCount) {
            throw TritonException.internal(SHAPE_MISMATCH);
        }
        long byteSize = BytesElements.encodedSize(strings);
        if (byteSize > maxBytes) {
            throw tooLarge(inputName, byteSize, maxBytes);
        }
        ByteBuffer out = ByteBuffer.allocateDirect((int) byteSize).order(ByteOrder.LITTLE_ENDIAN);
        for (byte[] element : strings) {
            BytesElements.put(out, element);
        }
        return out.flip();
    }

    private static TritonException tooLarge(String inputName, long byteSize, int maxBytes) {
        return TritonException.invalidArg("Input '" + inputName + "' decoded from JSON has " + byteSize
                + " bytes, which exceeds the maximum allowed value of " + maxBytes
                + " bytes. Use --http-max-input-size to increase the limit.");
    }
}
