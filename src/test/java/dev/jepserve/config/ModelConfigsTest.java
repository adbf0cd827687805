package dev.jepserve.config;

import dev.jepserve.config.proto.DataType;
import dev.jepserve.config.proto.ModelConfig;
import dev.jepserve.config.proto.ModelInstanceGroup;
import dev.jepserve.inference.TritonCode;
import dev.jepserve.inference.TritonException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelConfigsTest {

    @Test
    void parsesListFormsOfRepeatedMessagesAndDims() {
        ModelConfig config = ModelConfigs.parsePbtxt("""
                name: "add_sub"
                backend: "python"
                max_batch_size: 8
                input [
                  { name: "INPUT0" data_type: TYPE_FP32 dims: [ 4 ] },
                  { name: "INPUT1" data_type: TYPE_FP32 dims: [ -1, 4 ] }
                ]
                output [ { name: "OUTPUT0", data_type: TYPE_STRING, dims: [ 1 ] } ]
                instance_group [ { kind: KIND_CPU count: 2 } ]
                parameters { key: "EXECUTION_ENV_PATH" value: { string_value: "env.tar.gz" } }
                """, "config.pbtxt");

        assertThat(config.getName()).isEqualTo("add_sub");
        assertThat(config.getMaxBatchSize()).isEqualTo(8);
        assertThat(config.getInputList()).extracting(i -> i.getName()).containsExactly("INPUT0", "INPUT1");
        assertThat(config.getInput(1).getDimsList()).containsExactly(-1L, 4L);
        assertThat(config.getOutput(0).getDataType()).isEqualTo(DataType.TYPE_STRING);
        assertThat(config.getInstanceGroup(0).getKind()).isEqualTo(ModelInstanceGroup.Kind.KIND_CPU);
        assertThat(config.getParametersOrThrow("EXECUTION_ENV_PATH").getStringValue()).isEqualTo("env.tar.gz");
    }

    @Test
    void repeatedInputBlocksAppendAndScalarDimsRepeat() {
        ModelConfig config = ModelConfigs.parsePbtxt("""
                # comments are allowed
                input { name: "A" data_type: TYPE_INT32 dims: 2 dims: 3 }
                input [ { name: "B" data_type: TYPE_INT32 dims: 1 } ]
                input { name: "C" data_type: TYPE_BOOL dims: [ 1 ] optional: true }
                """, "config.pbtxt");

        assertThat(config.getInputList()).extracting(i -> i.getName()).containsExactly("A", "B", "C");
        assertThat(config.getInput(0).getDimsList()).containsExactly(2L, 3L);
        assertThat(config.getInput(2).getOptional()).isTrue();
    }

    @Test
    void parseErrorIsInvalidArgumentNamingTheSource() {
        assertThatThrownBy(() -> ModelConfigs.parsePbtxt("input { nme: \"x\" }", "/models/m/config.pbtxt"))
                .isInstanceOf(TritonException.class)
                .satisfies(e -> assertThat(((TritonException) e).code()).isEqualTo(TritonCode.INVALID_ARG))
                .hasMessageStartingWith("failed to read text proto from /models/m/config.pbtxt")
                .hasMessageContaining("nme");
    }

    @Test
    void singularFieldGivenTwiceIsAnError() {
        assertThatThrownBy(() -> ModelConfigs.parsePbtxt("max_batch_size: 1\nmax_batch_size: 2", "c.pbtxt"))
                .isInstanceOf(TritonException.class)
                .hasMessageContaining("c.pbtxt");
    }

    @Test
    void loadReadsConfigPbtxtOrReturnsEmpty(@TempDir Path dir) throws IOException {
        assertThat(ModelConfigs.load(dir)).isEmpty();

        Files.writeString(dir.resolve("config.pbtxt"), "max_batch_size: 4");
        assertThat(ModelConfigs.load(dir)).hasValueSatisfying(c -> assertThat(c.getMaxBatchSize()).isEqualTo(4));
    }

    @Test
    void loadPrefersANamedCustomConfigWhenItExists(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("config.pbtxt"), "max_batch_size: 4");
        Files.createDirectories(dir.resolve("configs"));
        Files.writeString(dir.resolve("configs/big.pbtxt"), "max_batch_size: 64");

        assertThat(ModelConfigs.load(dir, "big")).hasValueSatisfying(c -> assertThat(c.getMaxBatchSize()).isEqualTo(64));
        assertThat(ModelConfigs.load(dir, "missing")).hasValueSatisfying(c -> assertThat(c.getMaxBatchSize()).isEqualTo(4));
    }
}
