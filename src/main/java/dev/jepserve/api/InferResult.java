package dev.jepserve.api;

import dev.jepserve.inference.DataType;
import dev.jepserve.inference.InferenceResponse;
import dev.jepserve.inference.Tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One response of a model, its outputs read as Java arrays. */
public final class InferResult {
    private final InferenceResponse response;

    InferResult(InferenceResponse response) {
        this.response = response;
    }

    /** Reads a response a {@link dev.jepserve.inference.ResponseSink} received. */
    public static InferResult of(InferenceResponse response) {
        return new InferResult(response);
    }

    public String modelName() {
        return response.modelName();
    }

    public String modelVersion() {
        return response.modelVersion();
    }

    /** Response parameters the model set (String, Long, Boolean or Double values). */
    public Map<String, Object> parameters() {
        return response.parameters();
    }

    public List<String> outputNames() {
        return response.outputs().stream().map(Tensor::name).toList();
    }

    /** The output tensor itself (its bytes in Triton's layout). */
    public Tensor output(String name) {
        for (Tensor tensor : response.outputs()) {
            if (tensor.name().equals(name)) {
                return tensor;
            }
        }
        throw new IllegalArgumentException("the response has no output '" + name + "'; it has " + outputNames());
    }

    public long[] shape(String name) {
        return output(name).shape();
    }

    public DataType dataType(String name) {
        return output(name).dataType();
    }

    public float[] floats(String name) {
        float[] values = new float[elements(name, DataType.FP32)];
        data(name).asFloatBuffer().get(values);
        return values;
    }

    public double[] doubles(String name) {
        double[] values = new double[elements(name, DataType.FP64)];
        data(name).asDoubleBuffer().get(values);
        return values;
    }

    public int[] ints(String name) {
        int[] values = new int[elements(name, DataType.INT32)];
        data(name).asIntBuffer().get(values);
        return values;
    }

    public long[] longs(String name) {
        long[] values = new long[elements(name, DataType.INT64)];
        data(name).asLongBuffer().get(values);
        return values;
    }

    /** UINT8 or INT8 output bytes, or BOOL as 0/1. */
    public byte[] byteValues(String name) {
        DataType type = dataType(name);
        if (type != DataType.UINT8 && type != DataType.INT8 && type != DataType.BOOL) {
            throw new IllegalStateException("output '" + name + "' is " + type.protocolName() + ", not UINT8, INT8 or BOOL");
        }
        byte[] values = new byte[(int) output(name).elementCount()];
        data(name).get(values);
        return values;
    }

    /** A BYTES output: each element's bytes. */
    public List<byte[]> bytes(String name) {
        elements(name, DataType.BYTES);
        ByteBuffer data = data(name);
        List<byte[]> values = new ArrayList<>();
        while (data.remaining() >= 4) {
            byte[] value = new byte[data.getInt()];
            data.get(value);
            values.add(value);
        }
        return values;
    }

    /** A BYTES output decoded as UTF-8 strings. */
    public List<String> strings(String name) {
        return bytes(name).stream().map(value -> new String(value, StandardCharsets.UTF_8)).toList();
    }

    /** The response as the server holds it. */
    public InferenceResponse response() {
        return response;
    }

    private int elements(String name, DataType expected) {
        Tensor tensor = output(name);
        if (tensor.dataType() != expected) {
            throw new IllegalStateException("output '" + name + "' is " + tensor.dataType().protocolName() + ", not "
                    + expected.protocolName());
        }
        return Math.toIntExact(tensor.elementCount());
    }

    private ByteBuffer data(String name) {
        return output(name).data().order(ByteOrder.LITTLE_ENDIAN);
    }
}
