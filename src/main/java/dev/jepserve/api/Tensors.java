package dev.jepserve.api;

import dev.jepserve.inference.DataType;
import dev.jepserve.inference.Tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Input tensors from Java arrays or buffers. Each copies the values once into a direct little-endian buffer
 * (Triton's wire layout), which the model's numpy arrays then view without another copy. A shape is optional:
 * without one, a tensor is one-dimensional.
 */
public final class Tensors {
    private Tensors() {
    }

    public static Tensor fp32(String name, float[] values, long... shape) {
        ByteBuffer data = allocate(values.length * 4L);
        data.asFloatBuffer().put(values);
        return checked(name, DataType.FP32, shapeOr(shape, values.length), data, values.length);
    }

    public static Tensor fp64(String name, double[] values, long... shape) {
        ByteBuffer data = allocate(values.length * 8L);
        data.asDoubleBuffer().put(values);
        return checked(name, DataType.FP64, shapeOr(shape, values.length), data, values.length);
    }

    public static Tensor int32(String name, int[] values, long... shape) {
        ByteBuffer data = allocate(values.length * 4L);
        data.asIntBuffer().put(values);
        return checked(name, DataType.INT32, shapeOr(shape, values.length), data, values.length);
    }

    public static Tensor int64(String name, long[] values, long... shape) {
        ByteBuffer data = allocate(values.length * 8L);
        data.asLongBuffer().put(values);
        return checked(name, DataType.INT64, shapeOr(shape, values.length), data, values.length);
    }

    public static Tensor uint8(String name, byte[] values, long... shape) {
        ByteBuffer data = allocate(values.length);
        data.put(values).flip();
        return checked(name, DataType.UINT8, shapeOr(shape, values.length), data, values.length);
    }

    public static Tensor bool(String name, boolean[] values, long... shape) {
        ByteBuffer data = allocate(values.length);
        for (boolean value : values) {
            data.put((byte) (value ? 1 : 0));
        }
        data.flip();
        return checked(name, DataType.BOOL, shapeOr(shape, values.length), data, values.length);
    }

    /** A BYTES tensor (TYPE_STRING in config.pbtxt) of UTF-8 strings. */
    public static Tensor strings(String name, List<String> values, long... shape) {
        return bytes(name, values.stream().map(value -> value.getBytes(StandardCharsets.UTF_8)).toList(), shape);
    }

    /** A BYTES tensor: each element its own byte string (a Python {@code bytes} object in the model). */
    public static Tensor bytes(String name, List<byte[]> values, long... shape) {
        long size = 0;
        for (byte[] value : values) {
            size += 4L + value.length;
        }
        ByteBuffer data = allocate(size);
        for (byte[] value : values) {
            data.putInt(value.length).put(value);
        }
        data.flip();
        return checked(name, DataType.BYTES, shapeOr(shape, values.size()), data, values.size());
    }

    /**
     * A tensor from bytes already in Triton's layout (little-endian, row-major; BYTES elements each a 4-byte
     * little-endian length and its bytes), read from the buffer's position to its limit. The bytes are copied
     * unless the buffer is direct, in which case it is used as it is: do not change it until the response
     * arrives.
     */
    public static Tensor of(String name, DataType type, long[] shape, ByteBuffer bytes) {
        ByteBuffer data;
        if (bytes.isDirect()) {
            data = bytes.slice().order(ByteOrder.LITTLE_ENDIAN);
        } else {
            data = allocate(bytes.remaining());
            data.put(bytes.duplicate()).flip();
        }
        if (type.isFixedSize() && (long) data.remaining() != Tensor.elementCount(shape) * type.byteSize()) {
            throw new IllegalArgumentException("tensor '" + name + "': " + data.remaining() + " bytes do not hold "
                    + Tensor.elementCount(shape) + " " + type.protocolName() + " elements");
        }
        return new Tensor(name, type, shape, data);
    }

    private static ByteBuffer allocate(long size) {
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a tensor holds at most 2 GiB; this one needs " + size + " bytes");
        }
        return ByteBuffer.allocateDirect((int) size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static long[] shapeOr(long[] shape, int length) {
        return shape.length == 0 ? new long[] {length} : shape.clone();
    }

    private static Tensor checked(String name, DataType type, long[] shape, ByteBuffer data, int elements) {
        if (Tensor.elementCount(shape) != elements) {
            throw new IllegalArgumentException("tensor '" + name + "': shape " + java.util.Arrays.toString(shape)
                    + " holds " + Tensor.elementCount(shape) + " elements, not " + elements);
        }
        return new Tensor(name, type, shape, data.position(0));
    }
}
