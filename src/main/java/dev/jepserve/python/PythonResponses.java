package dev.jepserve.python;

import dev.jepserve.inference.DataType;
import dev.jepserve.inference.InferenceResponse;
import dev.jepserve.inference.OutputLease;
import dev.jepserve.inference.ScheduledRequest;
import dev.jepserve.inference.Tensor;
import dev.jepserve.inference.TritonCode;
import dev.jepserve.inference.TritonException;
import dev.jepserve.python.border.OutputMessage;
import dev.jepserve.python.border.ResponseMessage;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** Turns a {@link ResponseMessage} and its output bytes into what the request's sink receives. */
final class PythonResponses {
    private PythonResponses() {
    }

    /**
     * @throws IllegalArgumentException when the message does not fit its buffers or names an unknown type
     */
    static void deliver(ResponseMessage message, List<?> buffers, ScheduledRequest request, String modelName,
                        String modelVersion) {
        OutputLease lease = buffers instanceof LeasedBuffers leased ? leased.lease() : null;
        if (lease == null) {
            deliver(message, buffers, null, request, modelName, modelVersion);
            return;
        }
        if (!request.sinkReleasesOutputs() || message.error() != null || message.empty()) {
            // A sink that would never give the memory back gets copies; the region's space goes back at once.
            List<ByteBuffer> copies = new ArrayList<>(buffers.size());
            if (message.error() == null && !message.empty()) {
                for (Object buffer : buffers) {
                    ByteBuffer view = ((ByteBuffer) buffer).duplicate();
                    copies.add(ByteBuffer.allocate(view.remaining()).put(view).flip());
                }
            }
            lease.release();
            deliver(message, copies, null, request, modelName, modelVersion);
            return;
        }
        deliver(message, buffers, lease, request, modelName, modelVersion);
    }

    /** @param lease the lease every output shares (its bytes are borrowed), or null when they own their bytes */
    private static void deliver(ResponseMessage message, List<?> buffers, OutputLease lease, ScheduledRequest request,
                                String modelName, String modelVersion) {
        if (message.error() != null) {
            request.fail(new TritonException(codeOf(message.error().code()), message.error().message()),
                    message.isFinal());
            return;
        }
        if (message.empty()) {
            request.send(null, message.isFinal());
            return;
        }
        List<OutputMessage> outputs = message.outputs();
        if (buffers == null || buffers.size() != outputs.size()) {
            releaseIfLeased(lease); // not sent: nothing else gives the memory back
            throw new IllegalArgumentException("a response of model '" + modelName + "' has " + outputs.size()
                    + " outputs but " + (buffers == null ? 0 : buffers.size()) + " output buffers");
        }
        List<Tensor> tensors = new ArrayList<>(outputs.size());
        for (int i = 0; i < outputs.size(); i++) {
            OutputMessage output = outputs.get(i);
            DataType type = DataType.fromCode(output.datatype());
            if (type == null) {
                releaseIfLeased(lease);
                throw new IllegalArgumentException("output '" + output.name() + "' of model '" + modelName
                        + "' has an unsupported data type code " + output.datatype());
            }
            tensors.add(new Tensor(output.name(), type, output.shape(), asBuffer(buffers.get(i)), lease));
        }
        if (tensors.isEmpty()) {
            releaseIfLeased(lease);
        }
        request.send(new InferenceResponse(modelName, modelVersion, request.request().id(), message.parameters(),
                tensors), message.isFinal());
    }

    private static void releaseIfLeased(OutputLease lease) {
        if (lease != null) {
            lease.release();
        }
    }

    /** Output bytes as Jep hands them over (byte[]) or as a stub's message carries them (a ByteBuffer). */
    private static ByteBuffer asBuffer(Object bytes) {
        ByteBuffer buffer = bytes instanceof ByteBuffer given ? given.duplicate() : ByteBuffer.wrap((byte[]) bytes);
        return buffer.order(ByteOrder.LITTLE_ENDIAN);
    }

    /** TritonError codes from Python (pb_utils.TritonError values follow TRITONSERVER_Error_Code order). */
    static TritonCode codeOf(int pythonCode) {
        TritonCode[] codes = TritonCode.values();
        return pythonCode >= 0 && pythonCode < codes.length ? codes[pythonCode] : TritonCode.INTERNAL;
    }
}
