package dev.jepserve.http.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.jepserve.inference.BytesElements;
import dev.jepserve.inference.DataType;
import dev.jepserve.inference.Tensor;
import dev.jepserve.inference.TritonException;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Writes an output tensor as a flat JSON array: BOOL as true/false, integers as integers (unsigned ones
 * unsigned), FP32 widened to double and FP64 printed shortest-round-trip ({@link DoubleText}, the same text as
 * Jackson's fast double writer), BYTES as strings of the raw bytes. FP16 and BF16 have no JSON form (400, as in
 * Triton).
 *
 * <p>The generator writes the brackets and the BYTES strings (which need escaping). Numbers and booleans are
 * formatted here into a reused chunk and written straight to the stream the generator writes to, after flushing
 * it: a million values cost a million short formatting loops and a few large copies, with nothing allocated
 * per value.
 */
final class JsonTensorWriter {
    private static final int CHUNK = 32 * 1024;
    private static final int MAX_ELEMENT = DoubleText.MAX_LENGTH + 1; // the longest element and its comma
    private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
    private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};

    private JsonTensorWriter() {
    }

    /**
     * Writes the tensor's elements as the current JSON value of {@code gen}.
     *
     * @param raw the stream {@code gen} writes to; numbers and booleans are written straight into it
     */
    static void writeData(JsonGenerator gen, OutputStream raw, Tensor tensor) throws IOException {
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
        if (type == DataType.BYTES) {
            writeStrings(gen, tensor, data, count);
        } else {
            gen.flush(); // what the generator holds goes out before the elements
            writeElements(raw, type, data, (int) count);
        }
        gen.writeEndArray();
    }

    /**
     * Writes the only element of a one-element tensor as the current JSON value of {@code gen}: a number, a
     * boolean or (BYTES) a string.
     */
    static void writeSingle(JsonGenerator gen, Tensor tensor) throws IOException {
        DataType type = tensor.dataType();
        if (type == DataType.FP16 || type == DataType.BF16) {
            throw TritonException.invalidArg("sending " + type.protocolName() + " data via JSON is not supported. "
                    + "Please use the binary data format for output");
        }
        ByteBuffer data = tensor.data().order(ByteOrder.LITTLE_ENDIAN);
        if (type == DataType.BYTES) {
            writeStrings(gen, tensor, data, 1);
            return;
        }
        if (data.limit() != type.byteSize()) {
            throw sizeMismatch(tensor);
        }
        byte[] text = new byte[MAX_ELEMENT];
        int end = putElement(type, data, 0, new DoubleText(), text, 0);
        gen.writeRawValue(new String(text, 0, end, java.nio.charset.StandardCharsets.US_ASCII));
    }

    /**
     * Bytes to reserve for what {@link #writeData} writes, so that a large body is not copied as it grows: the
     * upper bound for FP32, FP64 and BOOL, whose values mostly print near their longest; 0 for integers, which
     * may print far shorter than their longest, and for BYTES. Counted from the data, not the shape.
     */
    static long sizeHint(Tensor tensor) {
        int longest = switch (tensor.dataType()) {
            case BOOL -> FALSE.length;
            case FP32, FP64 -> DoubleText.MAX_LENGTH;
            default -> 0;
        };
        return longest == 0 ? 0 : 2 + (long) tensor.byteSize() / tensor.dataType().byteSize() * (longest + 1);
    }

    private static void writeElements(OutputStream raw, DataType type, ByteBuffer data, int count)
            throws IOException {
        byte[] chunk = new byte[CHUNK];
        DoubleText doubles = new DoubleText();
        int at = 0;
        for (int i = 0; i < count; i++) {
            if (at > CHUNK - MAX_ELEMENT) {
                raw.write(chunk, 0, at);
                at = 0;
            }
            if (i > 0) {
                chunk[at++] = ',';
            }
            at = putElement(type, data, i, doubles, chunk, at);
        }
        raw.write(chunk, 0, at);
    }

    private static int putElement(DataType type, ByteBuffer data, int i, DoubleText doubles, byte[] out, int at) {
        return switch (type) {
            case BOOL -> copy(data.get(i) != 0 ? TRUE : FALSE, out, at);
            case UINT8 -> AsciiDigits.putLong(Byte.toUnsignedInt(data.get(i)), out, at);
            case UINT16 -> AsciiDigits.putLong(Short.toUnsignedInt(data.getShort(i * 2)), out, at);
            case UINT32 -> AsciiDigits.putLong(Integer.toUnsignedLong(data.getInt(i * 4)), out, at);
            case UINT64 -> AsciiDigits.putUnsignedLong(data.getLong(i * 8), out, at);
            case INT8 -> AsciiDigits.putLong(data.get(i), out, at);
            case INT16 -> AsciiDigits.putLong(data.getShort(i * 2), out, at);
            case INT32 -> AsciiDigits.putLong(data.getInt(i * 4), out, at);
            case INT64 -> AsciiDigits.putLong(data.getLong(i * 8), out, at);
            case FP32 -> doubles.put(finite(data.getFloat(i * 4)), out, at);
            case FP64 -> doubles.put(finite(data.getDouble(i * 8)), out, at);
            default -> throw new IllegalStateException("no JSON form for " + type);
        };
    }

    /**
     * Whether standard JSON can carry every value: numbers are finite, BYTES elements are UTF-8. (Triton writes
     * NaN and Infinity as bare literals, which strict JSON parsers refuse, and BYTES raw.)
     */
    static boolean canCarry(Tensor tensor) {
        ByteBuffer data = tensor.data().order(ByteOrder.LITTLE_ENDIAN);
        switch (tensor.dataType()) {
            case FP32 -> {
                for (int i = 0; i + 4 <= data.limit(); i += 4) {
                    if (!Float.isFinite(data.getFloat(i))) {
                        return false;
                    }
                }
                return true;
            }
            case FP64 -> {
                for (int i = 0; i + 8 <= data.limit(); i += 8) {
                    if (!Double.isFinite(data.getDouble(i))) {
                        return false;
                    }
                }
                return true;
            }
            case BYTES -> {
                try {
                    boolean[] valid = {true};
                    BytesElements.forEach(data, (buffer, offset, length) ->
                            valid[0] &= Utf8.isValid(buffer, offset, length));
                    return valid[0];
                } catch (IllegalArgumentException malformed) {
                    return true; // not well-formed: writing it reports the size mismatch
                }
            }
            default -> {
                return true;
            }
        }
    }

    private static double finite(double value) {
        if (!Double.isFinite(value)) {
            throw TritonException.invalidArg(NON_FINITE);
        }
        return value;
    }

    static final String NON_FINITE = "an output holds NaN or Infinity, which JSON cannot carry; request the "
            + "output as binary data ('binary_data': true)";
    static final String NOT_UTF8 = "a BYTES output holds an element that is not valid UTF-8, which JSON cannot "
            + "carry; request the output as binary data ('binary_data': true)";

    private static int copy(byte[] text, byte[] out, int at) {
        System.arraycopy(text, 0, out, at, text.length);
        return at + text.length;
    }

    /** The buffer must hold exactly {@code count} length-prefixed elements. */
    private static void writeStrings(JsonGenerator gen, Tensor tensor, ByteBuffer data, long count)
            throws IOException {
        byte[][] scratch = {new byte[0]};
        int written;
        try {
            written = BytesElements.forEach(data, (buffer, offset, length) -> {
                if (scratch[0].length < length) {
                    scratch[0] = new byte[length];
                }
                buffer.get(offset, scratch[0], 0, length);
                if (!Utf8.isValid(scratch[0], 0, length)) {
                    throw TritonException.invalidArg(NOT_UTF8);
                }
                try {
                    gen.writeUTF8String(scratch[0], 0, length);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IllegalArgumentException malformed) {
            throw sizeMismatch(tensor);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        if (written != count) {
            throw sizeMismatch(tensor);
        }
    }

    private static TritonException sizeMismatch(Tensor tensor) {
        return TritonException.internal("output tensor shape does not match size of output for '"
                + tensor.name() + "'");
    }
}
