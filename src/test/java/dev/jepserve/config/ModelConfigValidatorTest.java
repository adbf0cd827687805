package dev.jepserve.config;

import dev.jepserve.config.proto.ModelConfig;
import dev.jepserve.inference.TritonCode;
import dev.jepserve.inference.TritonException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelConfigValidatorTest {
    private static final String BASE = "name: \"m\" backend: \"python\" ";

    /** Normalizes (which validates) BASE + the given text. */
    private static void normalize(String pbtxt) {
        ModelConfig.Builder config = ModelConfigs.parsePbtxt(BASE + pbtxt, "config.pbtxt").toBuilder();
        ModelConfigNormalizer.normalize(config);
    }

    @Test
    void aTypicalPythonConfigIsValid() {
        assertThatCode(() -> normalize("""
                max_batch_size: 8
                input [ { name: "A" data_type: TYPE_STRING dims: [ -1 ] optional: true } ]
                output [ { name: "B" data_type: TYPE_FP32 dims: [ 2, 3 ] reshape { shape: [ 6 ] } } ]
                dynamic_batching { preferred_batch_size: [ 4, 8 ] }
                model_transaction_policy { decoupled: true }
                """)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "max_batch_size: -1 | 'max_batch_size' must be non-negative value for m",
            "max_batch_size: 4 dynamic_batching { preferred_batch_size: [ 0 ] } "
                    + "| dynamic batching preferred size must be positive for m",
            "max_batch_size: 4 dynamic_batching { preferred_batch_size: [ 8 ] } "
                    + "| dynamic batching preferred size must be <= max batch size for m",
            "input { data_type: TYPE_FP32 dims: 1 } | model input must specify 'name' for m",
            "input { name: \"X\" dims: 1 } | model input 'X' must specify 'data_type' for m",
            "input { name: \"X\" data_type: TYPE_FP32 } | model input 'X' must specify 'dims' for m",
            "output { name: \"Y\" data_type: TYPE_FP32 dims: [ 0 ] } "
                    + "| model output 'Y' dimension must be integer >= 1, or -1 to indicate a variable-size dimension for m",
            "input { name: \"X\" data_type: TYPE_FP32 dims: 1 } input { name: \"X\" data_type: TYPE_FP32 dims: 1 } "
                    + "| model input 'X' is specified more than once for m",
            "output { name: \"Y\" data_type: TYPE_FP32 dims: 1 } output { name: \"Y\" data_type: TYPE_INT8 dims: 1 } "
                    + "| model output 'Y' is specified more than once for m",
            "output { name: \"Y\" data_type: TYPE_FP32 dims: [ 2, 3 ] reshape { shape: [ 5 ] } } "
                    + "| model output 'Y' has different size for dims and reshape for m",
            "input { name: \"X\" data_type: TYPE_FP32 dims: [ 2 ] is_shape_tensor: true } "
                    + "| shape tensors are only supported for TensorRT platform for m",
            "input { name: \"X\" data_type: TYPE_FP32 format: FORMAT_NCHW dims: [ 2 ] } "
                    + "| model input NHWC/NCHW require 3 dims for m",
            "instance_group { name: \"g\" kind: KIND_CPU gpus: [ 0 ] } "
                    + "| instance group g of model m has kind KIND_CPU but specifies one or more GPUs",
            "model_transaction_policy { decoupled: true } response_cache { enable: true } "
                    + "| Response Cache does not currently support model m with 'decoupled' transaction policy. "
                    + "Please disable the response cache.",
            "max_batch_size: 2 dynamic_batching { priority_levels: 2 } "
                    + "| default priority level must be in range [1, 2] for m",
    })
    void rejectsWithTritonsMessage(String pbtxt, String message) {
        assertThatThrownBy(() -> normalize(pbtxt))
                .isInstanceOf(TritonException.class)
                .satisfies(e -> assertThat(((TritonException) e).code()).isEqualTo(TritonCode.INVALID_ARG))
                .hasMessage(message);
    }

    @Test
    void nonPythonBackendIsUnsupported() {
        ModelConfig config = ModelConfigs.parsePbtxt("name: \"m\" backend: \"onnxruntime\" "
                + "version_policy { latest { num_versions: 1 } } instance_group { name: \"m\" }", "c");

        assertThatThrownBy(() -> ModelConfigValidator.validate(config))
                .satisfies(e -> assertThat(((TritonException) e).code()).isEqualTo(TritonCode.UNSUPPORTED));
    }

    @Test
    void missingNameAndBackendUseTritonsTexts() {
        assertThatThrownBy(() -> ModelConfigValidator.validate(ModelConfig.getDefaultInstance()))
                .hasMessage("model configuration must specify 'name'");
        assertThatThrownBy(() -> ModelConfigValidator.validate(ModelConfig.newBuilder().setName("m").build()))
                .hasMessage("unexpected platform type '' for m");
    }
}
