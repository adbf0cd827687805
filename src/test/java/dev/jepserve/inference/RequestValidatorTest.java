package dev.jepserve.inference;

import dev.jepserve.config.ModelConfigs;
import dev.jepserve.config.proto.ModelConfig;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RequestValidatorTest {
    /** Non-batching: INPUT0 FP32 [4], optional INPUT1 INT32 [-1]. */
    private static final ModelConfig PLAIN = config("""
            name: "m"
            input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ 4 ] },
                    { name: "INPUT1" data_type: TYPE_INT32 dims: [ -1 ] optional: true } ]
            output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ 4 ] } ]
            """);
    /** Batching (max 8): A FP32 [-1,2], B BYTES [1]. */
    private static final ModelConfig BATCHING = config("""
            name: "b"
            max_batch_size: 8
            input [ { name: "A" data_type: TYPE_FP32 dims: [ -1, 2 ] },
                    { name: "B" data_type: TYPE_STRING dims: [ 1 ] } ]
            output [ { name: "Y" data_type: TYPE_FP32 dims: [ 2 ] } ]
            """);
    /** Three required inputs, as in Triton's L0_input_validation. */
    private static final ModelConfig ALL_REQUIRED = config("""
            name: "input_all_required"
            input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ 1 ] },
                    { name: "INPUT1" data_type: TYPE_FP32 dims: [ 1 ] },
                    { name: "INPUT2" data_type: TYPE_FP32 dims: [ 1 ] } ]
            """);

    private static ModelConfig config(String pbtxt) {
        return ModelConfigs.parsePbtxt(pbtxt, "test");
    }

    private static Tensor tensor(String name, DataType type, long[] shape, int byteSize) {
        return new Tensor(name, type, shape, ByteBuffer.allocateDirect(byteSize));
    }

    private static Tensor fp32(String name, long... shape) {
        return tensor(name, DataType.FP32, shape, (int) Tensor.elementCount(shape) * 4);
    }

    private static Tensor bytes(String name, long[] shape, String... elements) {
        ByteBuffer data = ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);
        for (String element : elements) {
            byte[] raw = element.getBytes(StandardCharsets.UTF_8);
            data.putInt(raw.length).put(raw);
        }
        data.flip();
        return new Tensor(name, DataType.BYTES, shape, data);
    }

    private static Tensor rawBytes(String name, long[] shape, byte... raw) {
        return new Tensor(name, DataType.BYTES, shape, ByteBuffer.wrap(raw));
    }

    private static InferenceRequest request(String id, List<Tensor> inputs, List<String> outputs) {
        return new InferenceRequest("m", -1, id, 0L, 0, 0, Map.of(), inputs, outputs);
    }

    private static InferenceRequest request(Tensor... inputs) {
        return request("", List.of(inputs), List.of());
    }

    private static void assertRejected(InferenceRequest request, ModelConfig config, String message) {
        assertThatThrownBy(() -> RequestValidator.validate(request, config))
                .isInstanceOf(TritonException.class)
                .satisfies(e -> assertThat(((TritonException) e).code()).isEqualTo(TritonCode.INVALID_ARG))
                .hasMessage(message);
    }

    @Test
    void acceptsValidRequests() {
        assertThatCode(() -> RequestValidator.validate(request(fp32("INPUT0", 4)), PLAIN)).doesNotThrowAnyException();
        assertThatCode(() -> RequestValidator.validate(request("", List.of(fp32("INPUT0", 4),
                tensor("INPUT1", DataType.INT32, new long[] {3}, 12)), List.of("OUTPUT0")), PLAIN))
                .doesNotThrowAnyException();
        assertThatCode(() -> RequestValidator.validate(request(fp32("A", 3, 5, 2),
                bytes("B", new long[] {3, 1}, "x", "", "zz")), BATCHING)).doesNotThrowAnyException();
    }

    @Test
    void requestIdPrefixesMessages() {
        assertRejected(request("42", List.of(tensor("INPUT0", DataType.INT32, new long[] {4}, 16)), List.of()), PLAIN,
                "[request id: 42] inference input 'INPUT0' data-type is 'INT32', but model 'm' expects 'FP32'");
    }

    @Test
    void unknownInputHasNoPrefixLikeTritonsModelLookup() {
        assertRejected(request(fp32("INPUT0", 4), fp32("OTHER", 4)), PLAIN,
                "unexpected inference input 'OTHER' for model 'm'");
    }

    @Test
    void unknownRequestedOutput() {
        assertRejected(request("", List.of(fp32("INPUT0", 4)), List.of("NOPE")), PLAIN,
                "unexpected inference output 'NOPE' for model 'm'");
    }

    @Test
    void missingRequiredInputsAreListed() {
        assertRejected(request(), ALL_REQUIRED, "[request id: <id_unknown>] expected 3 inputs but got 0 inputs for "
                + "model 'input_all_required'. Got input(s) [], but missing required input(s) "
                + "['INPUT0','INPUT1','INPUT2']. Please provide all required input(s).");
        assertRejected(request(fp32("INPUT0", 1)), ALL_REQUIRED, "[request id: <id_unknown>] expected 3 inputs but "
                + "got 1 inputs for model 'input_all_required'. Got input(s) ['INPUT0'], but missing required "
                + "input(s) ['INPUT1','INPUT2']. Please provide all required input(s).");
    }

    @Test
    void optionalInputsChangeTheCountWording() {
        assertRejected(request(tensor("INPUT1", DataType.INT32, new long[] {1}, 4)), PLAIN,
                "[request id: <id_unknown>] expected number of inputs between 1 and 2 but got 1 inputs for model "
                        + "'m'. Got input(s) ['INPUT1'], but missing required input(s) ['INPUT0']. Please provide "
                        + "all required input(s).");
    }

    @Test
    void tooManyInputsReproducesTritonsListQuirk() {
        assertRejected(request(fp32("INPUT0", 4), tensor("INPUT1", DataType.INT32, new long[] {1}, 4),
                fp32("EXTRA", 1)), PLAIN, "[request id: <id_unknown>] expected number of inputs between 1 and 2 but "
                + "got 3 inputs for model 'm'. Got input(s) ['INPUT0','INPUT1','EXTRA'], but missing required "
                + "input(s) ]. Please provide all required input(s).");
    }

    @Test
    void duplicateInputs() {
        assertRejected(request(fp32("INPUT0", 4), fp32("INPUT0", 4)), PLAIN,
                "[request id: <id_unknown>] input 'INPUT0' already exists in request");
    }

    @Test
    void shapeMismatchWithoutBatching() {
        assertRejected(request(fp32("INPUT0", 3)), PLAIN,
                "[request id: <id_unknown>] unexpected shape for input 'INPUT0' for model 'm'. Expected [4], got [3]. ");
        assertRejected(request(fp32("INPUT0", 1, 4)), PLAIN,
                "[request id: <id_unknown>] unexpected shape for input 'INPUT0' for model 'm'. Expected [4], got [1,4]. ");
    }

    @Test
    void shapeMismatchWithBatchingAddsTheNote() {
        assertRejected(request(fp32("A", 1, 2, 3), bytes("B", new long[] {1, 1}, "x")), BATCHING,
                "[request id: <id_unknown>] unexpected shape for input 'A' for model 'b'. Expected [-1,-1,2], got "
                        + "[1,2,3]. NOTE: Setting a non-zero max_batch_size in the model config requires a batch "
                        + "dimension to be prepended to each input shape. If you want to specify the full shape "
                        + "including the batch dim in your input dims config, try setting max_batch_size to zero. See "
                        + "the model configuration docs for more info on max_batch_size.");
    }

    @Test
    void variableConfigDimsMatchAnySize() {
        assertThatCode(() -> RequestValidator.validate(request(fp32("INPUT0", 4),
                tensor("INPUT1", DataType.INT32, new long[] {100}, 400)), PLAIN)).doesNotThrowAnyException();
    }

    @Test
    void wildcardInTheRequestShapeIsRejected() {
        assertRejected(request(tensor("INPUT0", DataType.FP32, new long[] {-1}, 16)), PLAIN,
                "[request id: <id_unknown>] All input dimensions should be specified for input 'INPUT0' for model "
                        + "'m', got [-1]");
    }

    @Test
    void batchSizeLimits() {
        assertRejected(request(fp32("A", 9, 1, 2), bytes("B", new long[] {9, 1})), BATCHING,
                "[request id: <id_unknown>] inference request batch-size must be <= 8 for 'b'");
        assertRejected(request(fp32("A", 0, 1, 2), bytes("B", new long[] {0, 1})), BATCHING,
                "[request id: <id_unknown>] inference request batch-size must be >= 1 for 'b'");
    }

    @Test
    void inputsMustAgreeOnTheBatchSize() {
        assertRejected(request(fp32("A", 2, 1, 2), bytes("B", new long[] {3, 1}, "a", "b", "c")), BATCHING,
                "[request id: <id_unknown>] input 'B' batch size does not match other inputs for 'b'");
    }

    @Test
    void batchingModelNeedsABatchDimension() {
        assertRejected(request(tensor("A", DataType.FP32, new long[] {}, 4), bytes("B", new long[] {1, 1}, "x")),
                BATCHING, "[request id: <id_unknown>] input 'A' has no shape but model requires batch dimension for 'b'");
    }

    @Test
    void fixedSizeByteCountMustMatchTheShape() {
        assertRejected(request(tensor("INPUT0", DataType.FP32, new long[] {4}, 20)), PLAIN,
                "[request id: <id_unknown>] input byte size mismatch for input 'INPUT0' for model 'm'. Expected 16, got 20");
    }

    @Test
    void bytesElementCountMustMatchTheShape() {
        assertRejected(request(fp32("A", 2, 1, 2), bytes("B", new long[] {2, 1}, "only one")), BATCHING,
                "[request id: <id_unknown>] expected 2 string elements for inference input 'B' for model 'b', got 1");
        assertRejected(request(fp32("A", 1, 1, 2), bytes("B", new long[] {1, 1}, "one", "two")), BATCHING,
                "[request id: <id_unknown>] unexpected number of string elements 2 for inference input 'B' for "
                        + "model 'b', expecting 1");
    }

    @Test
    void truncatedBytesElementsAreRejected() {
        assertRejected(request(fp32("A", 1, 1, 2), rawBytes("B", new long[] {1, 1}, (byte) 5, (byte) 0)), BATCHING,
                "[request id: <id_unknown>] incomplete string length indicator for inference input 'B' for model "
                        + "'b', expecting 4 bytes but only 2 bytes available. Please make sure the string length "
                        + "indicator is in one buffer.");
        assertRejected(request(fp32("A", 1, 1, 2), rawBytes("B", new long[] {1, 1}, (byte) 5, (byte) 0, (byte) 0,
                        (byte) 0, (byte) 'a', (byte) 'b')), BATCHING,
                "[request id: <id_unknown>] incomplete string data for inference input 'B' for model 'b', "
                        + "expecting string of length 5 but only 2 bytes available");
    }

    @Test
    void unknownDataTypeIsADataTypeMismatch() {
        assertRejected(request(new Tensor("INPUT0", null, new long[] {4}, ByteBuffer.allocate(16))), PLAIN,
                "[request id: <id_unknown>] inference input 'INPUT0' data-type is '<invalid>', but model 'm' "
                        + "expects 'FP32'");
    }

    @Test
    void modelWithoutInputsAcceptsAnEmptyRequest() {
        assertThatCode(() -> RequestValidator.validate(request(), config("name: \"none\"")))
                .doesNotThrowAnyException();
    }

    @Test
    void batchSizeIsOneWithoutBatchingElseTheFirstDimension() {
        assertThat(RequestValidator.batchSize(request(fp32("INPUT0", 4)), PLAIN)).isEqualTo(1);
        assertThat(RequestValidator.batchSize(request(fp32("A", 5, 1, 2), bytes("B", new long[] {5, 1})), BATCHING))
                .isEqualTo(5);
        assertThat(RequestValidator.batchSize(request(), BATCHING)).isEqualTo(1);
    }
}
