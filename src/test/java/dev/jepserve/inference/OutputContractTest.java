package dev.jepserve.inference;

import dev.jepserve.config.proto.ModelConfig;
import dev.jepserve.config.proto.ModelOutput;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OutputContractTest {
    private static final OutputContract CONTRACT = OutputContract.from(ModelConfig.newBuilder().setName("m")
            .setMaxBatchSize(8)
            .addOutput(ModelOutput.newBuilder().setName("A").setDataType(dev.jepserve.config.proto.DataType.TYPE_FP32)
                    .addDims(-1).addDims(2))
            .addOutput(ModelOutput.newBuilder().setName("B").setDataType(dev.jepserve.config.proto.DataType.TYPE_INT32)
                    .addDims(1))
            .build());

    private static Tensor tensor(String name, DataType type, long... shape) {
        long count = Tensor.elementCount(shape);
        return new Tensor(name, type, shape, ByteBuffer.allocate((int) count * type.byteSize()));
    }

    private static InferenceRequest request(String... requested) {
        return new InferenceRequest("m", -1, "", 0L, 0, 0, Map.of(), List.of(), List.of(requested));
    }

    private static InferenceResponse response(Tensor... outputs) {
        return new InferenceResponse("m", "1", "", Map.of(), List.of(outputs));
    }

    @Test
    void aMatchingResponseIsPrunedToTheRequestedOutputs() {
        InferenceResponse checked = CONTRACT.check(request("A"),
                response(tensor("A", DataType.FP32, 3, 5, 2), tensor("B", DataType.INT32, 3, 1)));
        assertThat(checked.outputs()).extracting(Tensor::name).containsExactly("A");
    }

    @Test
    void everyWayToBreakTheConfigIsRefused() {
        assertThatThrownBy(() -> CONTRACT.check(request("A"), response(tensor("Z", DataType.FP32, 1, 1, 2))))
                .hasMessage("unexpected inference output 'Z' for model 'm'")
                .extracting(e -> ((TritonException) e).code()).isEqualTo(TritonCode.INVALID_ARG);
        assertThatThrownBy(() -> CONTRACT.check(request("A"), response(tensor("A", DataType.FP64, 1, 1, 2))))
                .hasMessage("unexpected datatype FP64 for inference output 'A' of model 'm', expecting FP32");
        assertThatThrownBy(() -> CONTRACT.check(request("A"), response(tensor("A", DataType.FP32, 1, 1, 3))))
                .hasMessage("unexpected shape for output 'A' of model 'm'. Expected [-1,-1,2], got [1,1,3]");
        assertThatThrownBy(() -> CONTRACT.check(request("A"), response(tensor("A", DataType.FP32, 1, 2))))
                .hasMessageContaining("unexpected shape");
        assertThatThrownBy(() -> CONTRACT.check(request("A"),
                response(tensor("A", DataType.FP32, 1, 1, 2), tensor("A", DataType.FP32, 1, 1, 2))))
                .hasMessage("output 'A' appears more than once in a response of model 'm'");
        assertThatThrownBy(() -> CONTRACT.check(request("B"), response(tensor("A", DataType.FP32, 1, 1, 2))))
                .hasMessage("model 'm' returned no output 'B', which the request asked for");
        // No output named (the server filled in all of them): a model may leave one out.
        assertThat(CONTRACT.check(request("A", "B"), response(tensor("A", DataType.FP32, 1, 1, 2))).outputs())
                .hasSize(1);
        Tensor short1 = new Tensor("B", DataType.INT32, new long[] {1, 1}, ByteBuffer.allocate(3));
        assertThatThrownBy(() -> CONTRACT.check(request("B"), response(short1)))
                .hasMessage("output tensor shape does not match size of output for 'B'");
    }

    @Test
    void noneChecksNothing() {
        InferenceResponse anything = response(tensor("Z", DataType.FP64, 7));
        assertThat(OutputContract.NONE.check(request("A"), anything)).isSameAs(anything);
    }
}
