package dev.jepserve.python;

import dev.jepserve.inference.InferenceRequest;
import dev.jepserve.inference.ScheduledRequest;
import dev.jepserve.inference.Tensor;
import dev.jepserve.python.border.BatchMessage;
import dev.jepserve.python.border.InputMessage;
import dev.jepserve.python.border.RequestMessage;
import jep.DirectNDArray;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the {@link BatchMessage} for one execute() call and the input buffers it indexes: input bytes
 * reach numpy as views over direct buffers (no copy).
 */
final class PythonBatches {
    private PythonBatches() {
    }

    /** A batch ready to cross: its message, the input buffers, and the request handles it opened. */
    record Encoded(BatchMessage message, Object[] buffers, List<Long> requestHandles) {
    }

    static Encoded encode(long batchHandle, List<ScheduledRequest> batch, PythonCallbacks callbacks, String modelName,
                          String modelVersion) {
        List<Object> buffers = new ArrayList<>();
        List<RequestMessage> requests = new ArrayList<>(batch.size());
        List<Long> handles = new ArrayList<>(batch.size());
        for (ScheduledRequest scheduled : batch) {
            InferenceRequest request = scheduled.request();
            List<InputMessage> inputs = new ArrayList<>(request.inputs().size());
            for (Tensor tensor : request.inputs()) {
                inputs.add(new InputMessage(tensor.name(), tensor.dataType().code(), tensor.shape(), buffers.size()));
                buffers.add(numpyView(tensor));
            }
            long handle = callbacks.openRequest(scheduled, modelName, modelVersion);
            handles.add(handle);
            requests.add(new RequestMessage(handle, request.id(), request.correlationId(), request.flags(),
                    request.timeoutMicros(), request.parameters(), request.requestedOutputs(), inputs));
        }
        return new Encoded(new BatchMessage(batchHandle, requests), buffers.toArray(), handles);
    }

    /** A DirectNDArray that Jep hands to Python as a uint8 numpy array over the same memory. */
    private static Object numpyView(Tensor tensor) {
        ByteBuffer data = tensor.data();
        int size = data.limit();
        if (size == 0) {
            return null;
        }
        ByteBuffer direct;
        if (data.isDirect()) {
            direct = data.slice(0, size);
        } else {
            direct = ByteBuffer.allocateDirect(size).order(ByteOrder.LITTLE_ENDIAN);
            direct.put(data).flip();
        }
        return new DirectNDArray<>(direct, true, size);
    }
}
