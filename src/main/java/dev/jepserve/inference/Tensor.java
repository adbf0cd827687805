package dev.jepserve.inference;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A named tensor: element type, shape, and its bytes in Triton's wire layout (little-endian, row-major;
 * BYTES as 4-byte length-prefixed elements). The buffer is read from position 0 to its limit; request
 * tensors are direct buffers so Python can view them without a copy.
 */
public final class Tensor {
    private final String name;
    private final DataType dataType;
    private final long[] shape;
    private final ByteBuffer data;

    public Tensor(String name, DataType dataType, long[] shape, ByteBuffer data) {
        this.name = name;
        this.dataType = dataType;
        this.shape = shape.clone();
        this.data = data;
    }

    public String name() {
        return name;
    }

    public DataType dataType() {
        return dataType;
    }

    public long[] shape() {
        return shape.clone();
    }

    /** A read-only view of the bytes, positioned at 0. */
    public ByteBuffer data() {
        return data.duplicate().position(0);
    }

    public int byteSize() {
        return data.limit();
    }

    /** Product of the dimensions (1 for a scalar shape []). */
    public long elementCount() {
        return elementCount(shape);
    }

    public static long elementCount(long[] shape) {
        long count = 1;
        for (long dim : shape) {
            count *= dim;
        }
        return count;
    }

    @Override
    public String toString() {
        return name + ":" + dataType.protocolName() + Arrays.toString(shape);
    }
}
