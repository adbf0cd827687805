package dev.jepserve.grpc;

import dev.jepserve.grpc.proto.ModelInferResponse;
import dev.jepserve.grpc.proto.ModelStreamInferResponse;
import dev.jepserve.inference.DataType;
import dev.jepserve.inference.InferenceResponse;
import dev.jepserve.inference.Tensor;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class InferResponseWriterTest {
    private static InferenceResponse response() {
        ByteBuffer floats = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1f).putFloat(2f).flip();
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("s", "text");
        parameters.put("i", 7L);
        parameters.put("b", true);
        parameters.put("d", 0.5);
        return new InferenceResponse("m", "2", "id-1", parameters, List.of(
                new Tensor("Y", DataType.FP32, new long[] {1, 2}, floats),
                new Tensor("EMPTY", DataType.INT32, new long[] {0}, ByteBuffer.allocate(0))));
    }

    @Test
    void everyOutputHasItsRawContentsInOrder() {
        ModelInferResponse message = InferResponseWriter.response(response());
        assertThat(message.getModelName()).isEqualTo("m");
        assertThat(message.getModelVersion()).isEqualTo("2");
        assertThat(message.getId()).isEqualTo("id-1");
        assertThat(message.getOutputsList()).extracting(ModelInferResponse.InferOutputTensor::getName)
                .containsExactly("Y", "EMPTY");
        assertThat(message.getOutputs(0).getDatatype()).isEqualTo("FP32");
        assertThat(message.getOutputs(0).getShapeList()).containsExactly(1L, 2L);
        assertThat(message.getOutputs(0).hasContents()).isFalse();
        assertThat(message.getRawOutputContentsCount()).isEqualTo(2);
        assertThat(message.getRawOutputContents(0).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).getFloat(4))
                .isEqualTo(2f);
        assertThat(message.getRawOutputContents(1).isEmpty()).isTrue();
    }

    @Test
    void responseParametersKeepTheirKinds() {
        ModelInferResponse message = InferResponseWriter.response(response());
        assertThat(message.getParametersOrThrow("s").getStringParam()).isEqualTo("text");
        assertThat(message.getParametersOrThrow("i").getInt64Param()).isEqualTo(7);
        assertThat(message.getParametersOrThrow("b").getBoolParam()).isTrue();
        assertThat(message.getParametersOrThrow("d").getDoubleParam()).isEqualTo(0.5);
    }

    @Test
    void streamResponsesSayWhetherTheyAreFinal() {
        assertThat(InferResponseWriter.streamResponse(response(), false).getInferResponse()
                .getParametersOrThrow("triton_final_response").getBoolParam()).isFalse();
        ModelStreamInferResponse last = InferResponseWriter.streamResponse(response(), true);
        assertThat(last.getErrorMessage()).isEmpty();
        assertThat(last.getInferResponse().getParametersOrThrow("triton_final_response").getBoolParam()).isTrue();
    }

    @Test
    void theEmptyFinalResponseCarriesOnlyTheRequestsNamesAndTheFlag() {
        ModelInferResponse empty = InferResponseWriter.emptyFinal("m", "", "r").getInferResponse();
        assertThat(empty.getModelName()).isEqualTo("m");
        assertThat(empty.getId()).isEqualTo("r");
        assertThat(empty.getOutputsCount()).isZero();
        assertThat(empty.getParametersMap()).containsOnlyKeys("triton_final_response");
    }

    @Test
    void streamErrorsCarryTheIdAndForFailuresDuringInferenceTheModel() {
        ModelStreamInferResponse refused = InferResponseWriter.streamError("bad", "r", null, null, null);
        assertThat(refused.getErrorMessage()).isEqualTo("bad");
        assertThat(refused.getInferResponse()).isEqualTo(ModelInferResponse.newBuilder().setId("r").build());
        ModelStreamInferResponse failed = InferResponseWriter.streamError("boom", "r", "m", "1", true);
        assertThat(failed.getInferResponse().getModelName()).isEqualTo("m");
        assertThat(failed.getInferResponse().getModelVersion()).isEqualTo("1");
        assertThat(failed.getInferResponse().getParametersOrThrow("triton_final_response").getBoolParam()).isTrue();
    }
}
