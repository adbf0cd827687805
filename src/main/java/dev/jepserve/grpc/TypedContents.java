package dev.jepserve.grpc;

import com.google.protobuf.ByteString;
import dev.jepserve.grpc.proto.InferTensorContents;
import dev.jepserve.inference.DataType;
import dev.jepserve.inference.TritonException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * An input's typed {@code contents} turned into Triton's tensor layout (little-endian, row-major; BYTES with
 * 4-byte length prefixes), checked as Triton checks them: the one non-empty field must be the field of the
 * input's datatype (8- and 16-bit integers arrive widened in the 32-bit fields and are narrowed), and only one
 * field may carry data. FP16 and BF16 have no field; they can only arrive raw.
 */
final class TypedContents {
    private TypedContents() {
    }

    /**
     * @param input    the input's name, for error texts
     * @param model    the model's name, for error texts
     * @param declared the input's datatype
     * @return a direct little-endian buffer positioned at 0
     */
    static ByteBuffer decode(String input, String model, DataType declared, InferTensorContents contents) {
        ByteBuffer data = null;
        if (contents.getBoolContentsCount() > 0) {
            data = check(data, input, model, DataType.BOOL, declared);
            data = allocate(contents.getBoolContentsCount());
            for (boolean value : contents.getBoolContentsList()) {
                data.put((byte) (value ? 1 : 0));
            }
        }
        if (contents.getIntContentsCount() > 0) {
            DataType carried = declared == DataType.INT8 || declared == DataType.INT16 ? declared : DataType.INT32;
            data = check(data, input, model, carried, declared);
            data = narrowInts(contents.getIntContentsList(), carried, false, input, model);
        }
        if (contents.getInt64ContentsCount() > 0) {
            data = check(data, input, model, DataType.INT64, declared);
            data = allocate(8L * contents.getInt64ContentsCount());
            for (long value : contents.getInt64ContentsList()) {
                data.putLong(value);
            }
        }
        if (contents.getUintContentsCount() > 0) {
            DataType carried = declared == DataType.UINT8 || declared == DataType.UINT16 ? declared : DataType.UINT32;
            data = check(data, input, model, carried, declared);
            data = narrowInts(contents.getUintContentsList(), carried, true, input, model);
        }
        if (contents.getUint64ContentsCount() > 0) {
            data = check(data, input, model, DataType.UINT64, declared);
            data = allocate(8L * contents.getUint64ContentsCount());
            for (long value : contents.getUint64ContentsList()) {
                data.putLong(value);
            }
        }
        if (contents.getFp32ContentsCount() > 0) {
            data = check(data, input, model, DataType.FP32, declared);
            data = allocate(4L * contents.getFp32ContentsCount());
            for (float value : contents.getFp32ContentsList()) {
                data.putFloat(value);
            }
        }
        if (contents.getFp64ContentsCount() > 0) {
            data = check(data, input, model, DataType.FP64, declared);
            data = allocate(8L * contents.getFp64ContentsCount());
            for (double value : contents.getFp64ContentsList()) {
                data.putDouble(value);
            }
        }
        if (contents.getBytesContentsCount() > 0) {
            data = check(data, input, model, DataType.BYTES, declared);
            long size = 0;
            for (ByteString element : contents.getBytesContentsList()) {
                size += 4L + element.size();
            }
            data = allocate(size);
            for (ByteString element : contents.getBytesContentsList()) {
                data.putInt(element.size());
                element.copyTo(data);
            }
        }
        return data == null ? allocate(0) : data.flip();
    }

    /** Triton's InferGRPCToInputHelper: one field only, and the field of the declared datatype. */
    private static ByteBuffer check(ByteBuffer earlier, String input, String model, DataType carried,
                                    DataType declared) {
        if (earlier != null) {
            throw TritonException.invalidArg("unexpected explicit tensor data for input tensor '" + input
                    + "' for model '" + model + "', binary data was already supplied.");
        }
        if (carried != declared) {
            throw TritonException.invalidArg("unexpected explicit tensor data for input tensor '" + input
                    + "' for model '" + model + "' of type '" + carried.protocolName() + "', expected datatype '"
                    + (declared == null ? "INVALID" : declared.protocolName()) + "'");
        }
        return earlier;
    }

    /**
     * 32-bit values stored in 1, 2 or 4 bytes each. Triton keeps the low bytes of a value that does not fit,
     * which changes it silently; such a value is refused here.
     */
    private static ByteBuffer narrowInts(List<Integer> values, DataType type, boolean unsigned, String input,
                                         String model) {
        ByteBuffer data = allocate((long) type.byteSize() * values.size());
        int bits = type.byteSize() * 8;
        for (int value : values) {
            if (bits < 32 && (unsigned ? Integer.compareUnsigned(value, (1 << bits) - 1) > 0
                    : value < -(1 << (bits - 1)) || value >= 1 << (bits - 1))) {
                throw TritonException.invalidArg("unexpected value "
                        + (unsigned ? Integer.toUnsignedString(value) : Integer.toString(value)) + " in "
                        + (unsigned ? "uint_contents" : "int_contents") + " of input tensor '" + input
                        + "' for model '" + model + "': out of range for " + type.protocolName());
            }
            switch (type.byteSize()) {
                case 1 -> data.put((byte) value);
                case 2 -> data.putShort((short) value);
                default -> data.putInt(value);
            }
        }
        return data;
    }

    private static ByteBuffer allocate(long size) {
        if (size > Integer.MAX_VALUE) {
            throw TritonException.invalidArg("tensor contents of " + size + " bytes exceed the 2 GiB limit");
        }
        return ByteBuffer.allocateDirect((int) size).order(ByteOrder.LITTLE_ENDIAN);
    }
}
