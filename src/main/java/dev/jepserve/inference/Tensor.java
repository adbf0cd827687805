package dev.jepserve.inference;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A named tensor: element type, shape, and its bytes in Triton's wire layout (little-endian, row-major;
 * BYTES as 4-byte length-prefixed elements). The buffer is read from position 0 to its limit; request
 * tensors are direct buffers so Python can view them without a copy.
 */
public final class Tensor {
    private static final ByteBuffer NO_BYTES = ByteBuffer.allocate(0).asReadOnlyBuffer();

    private final String name;
    private final DataType dataType;
    private final long[] shape;
    private final ByteBuffer data;
    /** Set when {@code data} is a view of memory that is reused once released (a stub's output region). */
    private final OutputLease lease;
    /** The bytes' length: {@code data.limit()}, or what {@link #elsewhere} was told. */
    private final int byteSize;

    public Tensor(String name, DataType dataType, long[] shape, ByteBuffer data) {
        this(name, dataType, shape, data, null);
    }

    /**
     * A tensor whose bytes are borrowed: valid until {@code lease} is released (every tensor of one response
     * shares one lease; {@link InferenceResponse#release()} releases it).
     */
    public Tensor(String name, DataType dataType, long[] shape, ByteBuffer data, OutputLease lease) {
        this.name = name;
        this.dataType = dataType;
        this.shape = shape.clone();
        this.data = data;
        this.lease = lease;
        this.byteSize = data.limit();
    }

    private Tensor(String name, DataType dataType, long[] shape, int byteSize) {
        this.name = name;
        this.dataType = dataType;
        this.shape = shape.clone();
        this.data = NO_BYTES;
        this.lease = null;
        this.byteSize = byteSize;
    }

    /**
     * A tensor described only: its {@code byteSize} bytes stay where they are (a numpy array of an in-process
     * BLS call, which never crosses into Java), so {@link #data()} is empty. For the checks that need no bytes:
     * request validation of fixed-size inputs and the output contract.
     */
    public static Tensor elsewhere(String name, DataType dataType, long[] shape, int byteSize) {
        return new Tensor(name, dataType, shape, byteSize);
    }

    /** The lease its bytes are borrowed under, or null when the tensor owns them. */
    public OutputLease lease() {
        return lease;
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
        return byteSize;
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
