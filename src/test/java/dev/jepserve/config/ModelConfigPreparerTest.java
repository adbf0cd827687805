package dev.jepserve.config;

import dev.jepserve.config.proto.DataType;
import dev.jepserve.config.proto.ModelConfig;
import dev.jepserve.config.proto.ModelDynamicBatching;
import dev.jepserve.config.proto.ModelInput;
import dev.jepserve.inference.TritonException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelConfigPreparerTest {
    @TempDir
    Path repo;

    private Path pythonModel(String name) throws IOException {
        Path dir = repo.resolve(name);
        Files.createDirectories(dir.resolve("1"));
        Files.writeString(dir.resolve("1/model.py"), "");
        return dir;
    }

    @Test
    void autoCompleterSeesTheCoreFilledConfigAndItsResultIsNormalized() throws IOException {
        Path dir = pythonModel("auto");
        List<ModelConfig> seen = new ArrayList<>();

        ModelConfig config = ModelConfigPreparer.prepare(dir, "", true, partial -> {
            seen.add(partial);
            return partial.toBuilder()
                    .setMaxBatchSize(4)
                    .setDynamicBatching(ModelDynamicBatching.getDefaultInstance())
                    .addInput(ModelInput.newBuilder().setName("X").setDataType(DataType.TYPE_FP32).addDims(2))
                    .build();
        });

        assertThat(seen).hasSize(1);
        ModelConfig partial = seen.get(0);
        assertThat(partial.getName()).isEqualTo("auto");
        assertThat(partial.getBackend()).isEqualTo("python");
        assertThat(partial.hasVersionPolicy()).isTrue();
        assertThat(partial.getInstanceGroupCount()).isZero();
        assertThat(config.getDynamicBatching().getPreferredBatchSizeList()).containsExactly(4);
        assertThat(config.getInstanceGroup(0).getName()).isEqualTo("auto");
    }

    @Test
    void disabledAutoCompleteSkipsTheModelButKeepsCoreDefaults() throws IOException {
        Path dir = pythonModel("strict");

        ModelConfig config = ModelConfigPreparer.prepare(dir, "", false, partial -> {
            throw new AssertionError("auto-complete must not run");
        });

        assertThat(config.getBackend()).isEqualTo("python");
        assertThat(config.getOptimization().getInputPinnedMemory().getEnable()).isTrue();
        assertThat(config.getInstanceGroupCount()).isEqualTo(1);
    }

    @Test
    void autoCompleteMayNotRenameTheModel() throws IOException {
        Path dir = pythonModel("fixed");

        assertThatThrownBy(() -> ModelConfigPreparer.prepare(dir, "", true,
                partial -> partial.toBuilder().setName("renamed").build()))
                .isInstanceOf(TritonException.class)
                .hasMessageContaining("unexpected directory name 'fixed' for model 'renamed'");
    }

    @Test
    void invalidResultOfAutoCompleteIsRejected() throws IOException {
        Path dir = pythonModel("bad");

        assertThatThrownBy(() -> ModelConfigPreparer.prepare(dir, "", true,
                partial -> partial.toBuilder().addInput(ModelInput.newBuilder().setName("X")).build()))
                .isInstanceOf(TritonException.class)
                .hasMessage("model input 'X' must specify 'data_type' for bad");
    }
}
