package dev.jepserve.http;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.jepserve.inference.DataType;
import dev.jepserve.inference.Tensor;
import dev.jepserve.inference.TritonException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Writes an output tensor as a flat JSON array: BOOL as true/false, integers as integers (unsigned ones
 * unsigned), FP32 widened to double and FP64 printed shortest-round-trip, BYTES as strings of the raw bytes.
 * FP16 and BF16 have no JSON form (400, as in Triton).
 */
final class JsonTensorWriter {
    private JsonTensorWriter() {
    }

    static void writeData(JsonGenerator gen, Tensor tensor) throws IOException {
        DataType type = tensor.dataType();
        if (type == DataType.FP16 || type == DataType.BF16) {
            throw TritonException.invalidArg("sending " + type.protocolName() + " data via JSON is not supported. "
                    + "Please use the binary data format for output");
        }
        long count = tensor.elementCount();
        ByteBuffer data = tensor.data().order(ByteOrder.LITTLE_ENDIAN);
        if (type != DataType.BYTES && (long) data.limit() != count * type.byteSize()) {
            throw sizeMismatch(tensor);
        }
        gen.writeStartArray();
        switch (type) {
            case BOOL -> {
                for (int i = 0; i < count; i++) {
                    gen.writeBoolean(data.get(i) != 0);
                }
            }
            case UINT8 -> {
                for (int i = 0; i < count; i++) {
                    gen.writeNumber(Byte.toUnsignedInt(data.get(i)));
                }
            }
            case UINT16 -> {
                for (int i = 0; i < count; i++) {
                    gen.writeNumber(Short.toUnsignedInt(data.getShort(i * 2)));
                }
            }
            case UINT32 -> {
                for (int i = 0; i < count; i++) {
                    gen.writeNumber(Integer.toUnsignedLong(data.getInt(i * 4)));
                }
            }
            case UINT64 -> {
                for (int i = 0; i < count; i++) {
                    long value = data.getLong(i * 8);
                    if (value >= 0) {
                        gen.writeNumber(value);
                    } else {
                        gen.writeNumber(Long.toUnsignedString(value));
                    }
                }
            }
            case INT8 -> {
                for (int i = 0; i < count; i++) {
                    gen.writeNumber(data.get(i));
                }
            }
            case INT16 -> {
                for (int i = 0; i < count; i++) {
                    gen.writeNumber(data.getShort(i * 2));
                }
            }
            case INT32 -> {
                for (int i = 0; i < count; i++) {
                    gen.writeNumber(data.getInt(i * 4));
                }
            }
            case INT64 -> {
                for (int i = 0; i < count; i++) {
                    gen.writeNumber(data.getLong(i * 8));
                }
            }
            case FP32 -> {
                for (int i = 0; i < count; i++) {
                    gen.writeNumber((double) data.getFloat(i * 4));
                }
            }
            case FP64 -> {
                for (int i = 0; i < count; i++) {
                    gen.writeNumber(data.getDouble(i * 8));
                }
            }
            case BYTES -> writeStrings(gen, tensor, data, count);
            default -> throw new IllegalStateException("no JSON form for " + type);
        }
        gen.writeEndArray();
    }

    /** Exactly {@code count} length-prefixed elements from the start of the buffer. */
    private static void writeStrings(JsonGenerator gen, Tensor tensor, ByteBuffer data, long count)
            throws IOException {
        int offset = 0;
        int end = data.limit();
        byte[] scratch = new byte[0];
        for (long e = 0; e < count; e++) {
            if (end - offset < BytesElements.LENGTH_PREFIX) {
                throw sizeMismatch(tensor);
            }
            long length = Integer.toUnsignedLong(data.getInt(offset));
            offset += BytesElements.LENGTH_PREFIX;
            if (length > end - offset) {
                throw sizeMismatch(tensor);
            }
            if (scratch.length < length) {
                scratch = new byte[(int) length];
            }
            data.get(offset, scratch, 0, (int) length);
            gen.writeUTF8String(scratch, 0, (int) length);
            offset += (int) length;
        }
    }

    private static TritonException sizeMismatch(Tensor tensor) {
        return TritonException.internal("output tensor shape does not match size of output for '"
                + tensor.name() + "'");
    }
}
