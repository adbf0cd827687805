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
 * Builds the {@link BatchMessage} for one execute() call and the input buffers it indexes (each request
 * input's bytes, as the request holds them).
 */
public final class PythonBatchEncoder {
    private PythonBatchEncoder() {
    }

    /** A batch ready to cross: its message, the input buffers, and the request handles it opened. */
    public record Encoded(BatchMessage message, List<ByteBuffer> buffers, List<Long> requestHandles) {
        /** The buffers as Jep hands them to numpy: uint8 arrays over direct memory (no copy), null when empty. */
        Object[] numpyViews() {
            Object[] views = new Object[buffers.size()];
            for (int i = 0; i < views.length; i++) {
                views[i] = numpyView(buffers.get(i));
            }
            return views;
        }
    }

    public static Encoded encode(long batchHandle, List<ScheduledRequest> batch, PythonCallbacks callbacks, String modelName,
                          String modelVersion) {
        List<ByteBuffer> buffers = new ArrayList<>();
        List<RequestMessage> requests = new ArrayList<>(batch.size());
        List<Long> handles = new ArrayList<>(batch.size());
        for (ScheduledRequest scheduled : batch) {
            InferenceRequest request = scheduled.request();
            List<InputMessage> inputs = new ArrayList<>(request.inputs().size());
            for (Tensor tensor : request.inputs()) {
                inputs.add(new InputMessage(tensor.name(), tensor.dataType().code(), tensor.shape(), buffers.size()));
                buffers.add(tensor.data());
            }
            long handle = callbacks.openRequest(scheduled, modelName, modelVersion);
            handles.add(handle);
            requests.add(new RequestMessage(handle, request.id(), request.correlationId(), request.flags(),
                    request.timeoutMicros(), request.parameters(), request.requestedOutputs(), inputs));
        }
        return new Encoded(new BatchMessage(batchHandle, requests), buffers, handles);
    }

    /** A DirectNDArray that Jep hands to Python as a uint8 numpy array over the same memory. */
    static Object numpyView(ByteBuffer data) {
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
