package dev.jepserve.grpc;

import com.google.protobuf.UnsafeByteOperations;
import dev.jepserve.grpc.proto.InferParameter;
import dev.jepserve.grpc.proto.ModelInferResponse;
import dev.jepserve.grpc.proto.ModelStreamInferResponse;
import dev.jepserve.inference.InferenceResponse;
import dev.jepserve.inference.Tensor;

/**
 * Builds ModelInferResponse messages as Triton does: every output's data in {@code raw_output_contents}, exactly
 * one entry per output in the same order (tritonclient decodes only those), never typed {@code contents}.
 * Stream messages carry {@code triton_final_response} on every response.
 */
public final class InferResponseWriter {
    /** The response parameter that tells a stream client whether more responses follow for the request. */
    public static final String FINAL_RESPONSE = "triton_final_response";

    private InferResponseWriter() {
    }

    public static ModelInferResponse response(InferenceResponse response) {
        return builder(response).build();
    }

    /** A response on a stream, flagged final or not. */
    public static ModelStreamInferResponse streamResponse(InferenceResponse response, boolean isFinal) {
        ModelInferResponse.Builder message = builder(response).putParameters(FINAL_RESPONSE, finalFlag(isFinal));
        return ModelStreamInferResponse.newBuilder().setInferResponse(message).build();
    }

    /** The empty final response a client asked for with {@code triton_enable_empty_final_response}. */
    public static ModelStreamInferResponse emptyFinal(String model, String version, String id) {
        ModelInferResponse.Builder message = ModelInferResponse.newBuilder().setModelName(model)
                .setModelVersion(version).setId(id).putParameters(FINAL_RESPONSE, finalFlag(true));
        return ModelStreamInferResponse.newBuilder().setInferResponse(message).build();
    }

    /**
     * An in-band stream error. {@code model} and {@code version} are as the request gave them; a request refused
     * before inference carries only its id, so they are null then.
     */
    public static ModelStreamInferResponse streamError(String message, String id, String model, String version,
                                                       Boolean isFinal) {
        ModelInferResponse.Builder response = ModelInferResponse.newBuilder().setId(id);
        if (model != null) {
            response.setModelName(model).setModelVersion(version);
        }
        if (isFinal != null) {
            response.putParameters(FINAL_RESPONSE, finalFlag(isFinal));
        }
        return ModelStreamInferResponse.newBuilder().setErrorMessage(message).setInferResponse(response).build();
    }

    private static ModelInferResponse.Builder builder(InferenceResponse response) {
        ModelInferResponse.Builder message = ModelInferResponse.newBuilder()
                .setModelName(response.modelName())
                .setModelVersion(response.modelVersion())
                .setId(response.id())
                .putAllParameters(ParameterValues.toProto(response.parameters()));
        for (Tensor output : response.outputs()) {
            ModelInferResponse.InferOutputTensor.Builder tensor = message.addOutputsBuilder()
                    .setName(output.name())
                    .setDatatype(output.dataType().protocolName());
            for (long dim : output.shape()) {
                tensor.addShape(dim);
            }
            // The response owns its tensors and never changes them after sending: wrap, don't copy.
            message.addRawOutputContents(UnsafeByteOperations.unsafeWrap(output.data()));
        }
        return message;
    }

    private static InferParameter finalFlag(boolean isFinal) {
        return InferParameter.newBuilder().setBoolParam(isFinal).build();
    }
}
