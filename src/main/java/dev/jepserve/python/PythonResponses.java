package dev.jepserve.python;

import dev.jepserve.inference.DataType;
import dev.jepserve.inference.InferenceResponse;
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
            throw new IllegalArgumentException("a response of model '" + modelName + "' has " + outputs.size()
                    + " outputs but " + (buffers == null ? 0 : buffers.size()) + " output buffers");
        }
        List<Tensor> tensors = new ArrayList<>(outputs.size());
        for (int i = 0; i < outputs.size(); i++) {
            OutputMessage output = outputs.get(i);
            DataType type = DataType.fromCode(output.datatype());
            if (type == null) {
                throw new IllegalArgumentException("output '" + output.name() + "' of model '" + modelName
                        + "' has an unsupported data type code " + output.datatype());
            }
            byte[] bytes = (byte[]) buffers.get(i);
            tensors.add(new Tensor(output.name(), type, output.shape(),
                    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN)));
        }
        request.send(new InferenceResponse(modelName, modelVersion, request.request().id(), message.parameters(),
                tensors), message.isFinal());
    }

    /** TritonError codes from Python (pb_utils.TritonError values follow TRITONSERVER_Error_Code order). */
    private static TritonCode codeOf(int pythonCode) {
        TritonCode[] codes = TritonCode.values();
        return pythonCode >= 0 && pythonCode < codes.length ? codes[pythonCode] : TritonCode.INTERNAL;
    }
}
