package dev.jepserve.grpc;

import com.google.protobuf.ByteString;
import dev.jepserve.grpc.proto.InferParameter;
import dev.jepserve.grpc.proto.ModelInferRequest;
import dev.jepserve.inference.DataType;
import dev.jepserve.inference.InferenceRequest;
import dev.jepserve.inference.Tensor;
import dev.jepserve.inference.TritonCode;
import dev.jepserve.inference.TritonException;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InferRequestReaderTest {
    private static ModelInferRequest.Builder twoRawInputs() {
        ModelInferRequest.Builder request = ModelInferRequest.newBuilder().setModelName("m").setId("r1");
        request.addInputsBuilder().setName("A").setDatatype("INT32").addShape(1).addShape(2);
        request.addInputsBuilder().setName("B").setDatatype("BYTES").addShape(1);
        request.addRawInputContents(ByteString.copyFrom(new byte[] {1, 0, 0, 0, 2, 0, 0, 0}));
        request.addRawInputContents(ByteString.copyFrom(new byte[] {1, 0, 0, 0, 'z'}));
        return request;
    }

    @Test
    void rawContentsGoToTheInputsInOrder() {
        InferenceRequest request = InferRequestReader.read(twoRawInputs().build(), 3).request();
        assertThat(request.modelName()).isEqualTo("m");
        assertThat(request.modelVersion()).isEqualTo(3);
        assertThat(request.id()).isEqualTo("r1");
        Tensor a = request.input("A");
        assertThat(a.dataType()).isEqualTo(DataType.INT32);
        assertThat(a.shape()).containsExactly(1, 2);
        ByteBuffer data = a.data().order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertThat(data.isReadOnly()).isTrue(); // a view of the message's bytes, not a copy
        assertThat(data.getInt(0)).isEqualTo(1);
        assertThat(data.getInt(4)).isEqualTo(2);
        assertThat(request.input("B").byteSize()).isEqualTo(5);
        assertThat(request.requestedOutputs()).isEmpty();
    }

    @Test
    void rawContentsInsideALargerArrayStartAtTheirOwnFirstByte() {
        ModelInferRequest.Builder message = ModelInferRequest.newBuilder().setModelName("m");
        message.addInputsBuilder().setName("A").setDatatype("UINT8").addShape(3);
        byte[] backing = {9, 9, 1, 2, 3, 9};
        message.addRawInputContents(ByteString.copyFrom(backing).substring(2, 5));
        Tensor a = InferRequestReader.read(message.build(), -1).request().input("A");
        ByteBuffer data = a.data();
        byte[] seen = new byte[data.remaining()];
        data.get(seen);
        assertThat(seen).containsExactly(1, 2, 3);
    }

    @Test
    void requestedOutputsAndParametersAreKept() {
        ModelInferRequest.Builder message = twoRawInputs();
        message.addOutputsBuilder().setName("Y");
        message.putParameters("sequence_id", InferParameter.newBuilder().setStringParam("seq").build());
        message.putParameters("triton_enable_empty_final_response",
                InferParameter.newBuilder().setBoolParam(true).build());
        message.putParameters("custom", InferParameter.newBuilder().setInt64Param(9).build());
        InferRequestReader.Decoded decoded = InferRequestReader.read(message.build(), -1);
        assertThat(decoded.request().requestedOutputs()).containsExactly("Y");
        assertThat(decoded.request().correlationId()).isEqualTo("seq");
        assertThat(decoded.request().parameters()).containsExactly(java.util.Map.entry("custom", 9L));
        assertThat(decoded.enableEmptyFinalResponse()).isTrue();
    }

    @Test
    void typedContentsAndRawContentsCannotBeMixed() {
        ModelInferRequest.Builder message = twoRawInputs();
        message.getInputsBuilder(1).getContentsBuilder().addBytesContents(ByteString.copyFromUtf8("z"));
        assertRefused(message, TritonCode.INVALID_ARG,
                "contents field must not be specified when using raw_input_contents for 'B' for model 'm'");
    }

    @Test
    void anInputWithoutDataIsRefused() {
        ModelInferRequest.Builder message = twoRawInputs();
        message.clearRawInputContents().addRawInputContents(ByteString.copyFrom(new byte[8]));
        assertRefused(message, TritonCode.INVALID_ARG, "unable to find data for input tensor 'B' for model 'm' in request.");
    }

    @Test
    void anUnknownDatatypeIsRefused() {
        ModelInferRequest.Builder message = twoRawInputs();
        message.getInputsBuilder(0).setDatatype("FLOAT");
        assertRefused(message, TritonCode.INVALID_ARG, "invalid datatype for input A");
    }

    @Test
    void sharedMemoryAndClassificationAreRefusedClearly() {
        ModelInferRequest.Builder shm = twoRawInputs();
        shm.getInputsBuilder(0).putParameters("shared_memory_region",
                InferParameter.newBuilder().setStringParam("r").build());
        assertRefused(shm, TritonCode.INVALID_ARG, "input 'A' sets 'shared_memory_region', but shared memory is not "
                + "supported by this server; send the data in the request");
        ModelInferRequest.Builder classification = twoRawInputs();
        classification.addOutputsBuilder().setName("Y").putParameters("classification",
                InferParameter.newBuilder().setInt64Param(2).build());
        assertRefused(classification, TritonCode.UNSUPPORTED,
                "output 'Y' asks for classification, which this server does not support over gRPC yet");
    }

    private static void assertRefused(ModelInferRequest.Builder message, TritonCode code, String text) {
        assertThatThrownBy(() -> InferRequestReader.read(message.build(), -1))
                .isInstanceOfSatisfying(TritonException.class, e -> assertThat(e.code()).isEqualTo(code))
                .hasMessage(text);
    }
}
