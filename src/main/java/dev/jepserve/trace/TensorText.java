package dev.jepserve.trace;

import dev.jepserve.inference.DataType;
import dev.jepserve.inference.Tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** A tensor as Triton's TENSORS trace writes it: elements joined by commas, the shape likewise. */
final class TensorText {
    private TensorText() {
    }

    static String shape(Tensor tensor) {
        StringBuilder out = new StringBuilder();
        for (long dim : tensor.shape()) {
            out.append(out.length() == 0 ? "" : ",").append(dim);
        }
        return out.toString();
    }

    static String data(Tensor tensor) {
        ByteBuffer data = tensor.data().order(ByteOrder.LITTLE_ENDIAN);
        DataType type = tensor.dataType();
        StringBuilder out = new StringBuilder();
        while (data.remaining() > 0 && (type == DataType.BYTES || data.remaining() >= type.byteSize())) {
            if (out.length() > 0) {
                out.append(',');
            }
            switch (type) {
                case BOOL -> out.append(data.get() != 0 ? "1" : "0");
                case UINT8 -> out.append(Byte.toUnsignedInt(data.get()));
                case INT8 -> out.append(data.get());
                case UINT16 -> out.append(Short.toUnsignedInt(data.getShort()));
                case INT16 -> out.append(data.getShort());
                case UINT32 -> out.append(Integer.toUnsignedString(data.getInt()));
                case INT32 -> out.append(data.getInt());
                case UINT64 -> out.append(Long.toUnsignedString(data.getLong()));
                case INT64 -> out.append(data.getLong());
                case FP16 -> out.append(halfToFloat(data.getShort()));
                case BF16 -> out.append(Float.intBitsToFloat((data.getShort() & 0xffff) << 16));
                case FP32 -> out.append(data.getFloat());
                case FP64 -> out.append(data.getDouble());
                case BYTES -> {
                    if (data.remaining() < 4) {
                        return out.toString();
                    }
                    int length = data.getInt();
                    if (length < 0 || length > data.remaining()) {
                        return out.toString();
                    }
                    byte[] element = new byte[length];
                    data.get(element);
                    out.append(new String(element, StandardCharsets.UTF_8));
                }
            }
        }
        return out.toString();
    }

    /** IEEE 754 half precision to float (Java 17 has no Float.float16ToFloat). */
    static float halfToFloat(short bits) {
        int sign = (bits >> 15) & 1;
        int exponent = (bits >> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        float value;
        if (exponent == 0) {
            value = (float) (mantissa * Math.pow(2, -24));
        } else if (exponent == 31) {
            value = mantissa == 0 ? Float.POSITIVE_INFINITY : Float.NaN;
        } else {
            value = (float) ((1 + mantissa / 1024.0) * Math.pow(2, exponent - 15));
        }
        return sign == 1 ? -value : value;
    }
}
