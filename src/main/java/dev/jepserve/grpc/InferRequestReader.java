package dev.jepserve.grpc;

import com.google.protobuf.ByteString;
import dev.jepserve.grpc.proto.InferParameter;
import dev.jepserve.grpc.proto.ModelInferRequest;
import dev.jepserve.inference.DataType;
import dev.jepserve.inference.InferenceRequest;
import dev.jepserve.inference.InputMemory;
import dev.jepserve.inference.Tensor;
import dev.jepserve.inference.TritonCode;
import dev.jepserve.inference.TritonException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns a ModelInferRequest into the protocol-free {@link InferenceRequest}, in Triton's order: parameters,
 * then every input's data (raw entries consumed in input order, or typed {@code contents}), then the requested
 * outputs. Shapes, datatypes and byte sizes against the config are the model's validator's job.
 *
 * <p>Raw input bytes stay where the parsed message holds them (read-only views, no copy); the message lives
 * as long as the request's tensors do.
 */
public final class InferRequestReader {
    private InferRequestReader() {
    }

    /** What the stream handler needs beside the request itself. */
    public record Decoded(InferenceRequest request, boolean enableEmptyFinalResponse) {
    }

    /**
     * @param message          the request as received
     * @param requestedVersion the version the client addressed, or -1 for the server's choice
     * @throws TritonException with Triton's code and text for anything malformed
     */
    public static Decoded read(ModelInferRequest message, long requestedVersion) {
        return read(message, requestedVersion, InputMemory.NONE);
    }

    /** The same, for a message whose bytes live in {@code memory} (given back once the request is done). */
    static Decoded read(ModelInferRequest message, long requestedVersion, InputMemory memory) {
        InferRequestParameters parameters = InferRequestParameters.read(message.getParametersMap());
        String model = message.getModelName();
        List<Tensor> inputs = readInputs(message, model);
        List<String> outputs = new ArrayList<>(message.getOutputsCount());
        for (ModelInferRequest.InferRequestedOutputTensor output : message.getOutputsList()) {
            checkOutputParameters(output);
            outputs.add(output.getName());
        }
        InferenceRequest request = new InferenceRequest(model, requestedVersion, message.getId(),
                parameters.correlationId(), parameters.flags(), parameters.timeoutMicros(), parameters.custom(),
                inputs, outputs, memory);
        return new Decoded(request, parameters.enableEmptyFinalResponse());
    }

    private static List<Tensor> readInputs(ModelInferRequest message, String model) {
        List<ByteString> raw = message.getRawInputContentsList();
        checkRawTotal(raw);
        List<Tensor> inputs = new ArrayList<>(message.getInputsCount());
        int rawIndex = 0;
        for (ModelInferRequest.InferInputTensor input : message.getInputsList()) {
            String name = input.getName();
            if (input.containsParameters("shared_memory_region")) {
                throw sharedMemoryUnsupported("input", name);
            }
            DataType type = DataType.fromProtocolName(input.getDatatype());
            if (type == null) {
                throw TritonException.invalidArg("invalid datatype for input " + name);
            }
            ByteBuffer data;
            if (input.hasContents() && !raw.isEmpty()) {
                throw TritonException.invalidArg("contents field must not be specified when using raw_input_contents"
                        + " for '" + name + "' for model '" + model + "'");
            } else if (input.hasContents()) {
                data = TypedContents.decode(name, model, type, input.getContents());
            } else if (rawIndex < raw.size()) {
                // A view of the parsed message's bytes (no copy): the one copy follows where they go (a stub's
                // input region, or direct memory for an in-process model's numpy view).
                data = raw.get(rawIndex++).asReadOnlyByteBuffer().slice().order(ByteOrder.LITTLE_ENDIAN);
            } else {
                throw TritonException.invalidArg("unable to find data for input tensor '" + name + "' for model '"
                        + model + "' in request.");
            }
            inputs.add(new Tensor(name, type, toArray(input.getShapeList()), data));
        }
        return inputs;
    }

    private static void checkRawTotal(List<ByteString> raw) {
        long total = 0;
        for (ByteString entry : raw) {
            total += entry.size();
        }
        if (total > Integer.MAX_VALUE) {
            throw TritonException.invalidArg("raw_input_contents of " + total + " bytes exceed the 2 GiB limit");
        }
    }

    private static void checkOutputParameters(ModelInferRequest.InferRequestedOutputTensor output) {
        Map<String, InferParameter> parameters = output.getParametersMap();
        InferParameter classification = parameters.get("classification");
        if (classification != null) {
            if (classification.getParameterChoiceCase() != InferParameter.ParameterChoiceCase.INT64_PARAM
                    || classification.getInt64Param() <= 0) {
                throw TritonException.invalidArg("invalid value type for 'classification' parameter, expected "
                        + "int64_param > 0.");
            }
            throw new TritonException(TritonCode.UNSUPPORTED, "output '" + output.getName() + "' asks for "
                    + "classification, which this server does not support over gRPC yet");
        }
        if (parameters.containsKey("shared_memory_region")) {
            throw sharedMemoryUnsupported("output", output.getName());
        }
    }

    private static TritonException sharedMemoryUnsupported(String kind, String name) {
        return TritonException.invalidArg(kind + " '" + name + "' sets 'shared_memory_region', but shared memory "
                + "is not supported by this server; send the data in the request");
    }

    private static long[] toArray(List<Long> shape) {
        long[] dims = new long[shape.size()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = shape.get(i);
        }
        return dims;
    }
}
