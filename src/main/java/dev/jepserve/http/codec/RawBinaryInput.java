package dev.jepserve.http.codec;

import dev.jepserve.config.proto.ModelConfig;
import dev.jepserve.config.proto.ModelInput;
import dev.jepserve.inference.BytesElements;
import dev.jepserve.inference.DataType;
import dev.jepserve.inference.InferenceRequest;
import dev.jepserve.inference.Tensor;
import dev.jepserve.inference.TritonException;
import io.netty.buffer.ByteBuf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;

/**
 * A raw binary request ({@code Inference-Header-Content-Length: 0}): the whole body is the data of the
 * model's only input, as a batch of one; every output comes back binary. The input's name, type and shape
 * are deduced from the config, so the model must have exactly one input, at most one variable dimension,
 * and (for BYTES) the shape [1].
 */
final class RawBinaryInput {
    private RawBinaryInput() {
    }

    static DecodedInferRequest decode(InferTarget target, ByteBuf body) {
        ModelConfig config = target.config();
        String model = target.modelName();
        if (config.getInputCount() != 1) {
            throw TritonException.invalidArg("Raw request must only have 1 input (found 1) to be deduced but got "
                    + config.getInputCount() + " inputs in '" + model + "' model configuration");
        }
        ModelInput input = config.getInput(0);
        DataType type = DataType.fromConfig(input.getDataType());
        if (type == null) {
            throw TritonException.invalidArg("invalid datatype for input " + input.getName());
        }
        boolean batching = config.getMaxBatchSize() > 0;
        int size = body.readableBytes();
        long[] dims;
        ByteBuffer data;
        if (type == DataType.BYTES) {
            if (input.getDimsCount() != 1 || input.getDims(0) != 1) {
                throw TritonException.invalidArg("For BYTE datatype raw input '" + input.getName()
                        + "', the model must have input shape [1]");
            }
            dims = new long[] {1};
            data = ByteBuffer.allocateDirect(BytesElements.LENGTH_PREFIX + size).order(ByteOrder.LITTLE_ENDIAN);
            data.putInt(size);
        } else {
            dims = deduceDims(input, type, size);
            data = ByteBuffer.allocateDirect(size).order(ByteOrder.LITTLE_ENDIAN);
        }
        body.getBytes(body.readerIndex(), data);
        data.flip();
        long[] shape = batching ? prependBatch(dims) : dims;
        Tensor tensor = new Tensor(input.getName(), type, shape, data);
        InferenceRequest request = new InferenceRequest(model, target.requestedVersion(), "", 0L, 0, 0,
                Map.of(), List.of(tensor), List.of());
        return new DecodedInferRequest(request, OutputEncoding.BINARY);
    }

    private static long[] deduceDims(ModelInput input, DataType type, int byteSize) {
        long[] dims = new long[input.getDimsCount()];
        int variable = -1;
        long fixedBytes = type.byteSize();
        for (int i = 0; i < dims.length; i++) {
            dims[i] = input.getDims(i);
            if (dims[i] < 0) {
                if (variable >= 0) {
                    throw TritonException.invalidArg("The shape of the raw input '" + input.getName()
                            + "' can not be deduced because there are more than one variable-sized dimension");
                }
                variable = i;
            } else {
                fixedBytes *= dims[i];
            }
        }
        if (variable >= 0) {
            if (fixedBytes == 0 ? byteSize != 0 : byteSize % fixedBytes != 0) {
                throw TritonException.invalidArg("The shape of the raw input '" + input.getName()
                        + "' can not be deduced because the raw input size is not a multiple of the size of "
                        + "the fixed-size dimensions");
            }
            dims[variable] = fixedBytes == 0 ? 0 : byteSize / fixedBytes;
        }
        return dims;
    }

    private static long[] prependBatch(long[] dims) {
        long[] shape = new long[dims.length + 1];
        shape[0] = 1;
        System.arraycopy(dims, 0, shape, 1, dims.length);
        return shape;
    }
}
