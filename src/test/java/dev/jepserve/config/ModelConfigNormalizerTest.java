package dev.jepserve.config;

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

class ModelConfigNormalizerTest {
    @TempDir
    Path repo;

    private Path modelDir(String name, String... files) throws IOException {
        Path dir = repo.resolve(name);
        Files.createDirectories(dir);
        for (String file : files) {
            Path path = dir.resolve(file);
            Files.createDirectories(path.getParent());
            Files.writeString(path, "");
        }
        return dir;
    }

    private static ModelConfig.Builder builder(String pbtxt) {
        return ModelConfigs.parsePbtxt(pbtxt, "config.pbtxt").toBuilder();
    }

    private static TritonCode codeOf(Throwable e) {
        return ((TritonException) e).code();
    }

    @Test
    void nameComesFromTheDirectoryAndPythonFromModelPy() throws IOException {
        Path dir = modelDir("add_sub", "1/model.py");
        ModelConfig.Builder config = ModelConfig.newBuilder();

        ModelConfigNormalizer.autoCompleteBackendFields(config, "add_sub", dir);

        assertThat(config.getName()).isEqualTo("add_sub");
        assertThat(config.getBackend()).isEqualTo("python");
        assertThat(config.getPlatform()).isEmpty();
        assertThat(config.getRuntime()).isEmpty();
        assertThat(config.getDefaultModelFilename()).isEqualTo("model.py");
    }

    @Test
    void pythonInferredFromDefaultModelFilenameWithoutVersionDirectories() throws IOException {
        Path dir = modelDir("m");
        ModelConfig.Builder config = builder("default_model_filename: \"model.py\"");

        ModelConfigNormalizer.autoCompleteBackendFields(config, "m", dir);

        assertThat(config.getBackend()).isEqualTo("python");
    }

    @Test
    void onlyTheFirstVersionDirectoryInStringOrderIsInspected() throws IOException {
        // "10" sorts before "9": Triton looks at 10/, which has no model.py
        Path dir = modelDir("m", "9/model.py", "10/readme.txt");

        assertThatThrownBy(() -> ModelConfigNormalizer.autoCompleteBackendFields(ModelConfig.newBuilder(), "m", dir))
                .isInstanceOf(TritonException.class)
                .hasMessage("Invalid model name: Could not determine backend for model 'm' with no backend in "
                        + "model configuration. Expected model name of the form 'model.<backend_name>'.");
    }

    @Test
    void explicitPythonBackendKeepsACustomFilename() throws IOException {
        Path dir = modelDir("m", "1/mymodel.py");
        ModelConfig.Builder config = builder("backend: \"python\" default_model_filename: \"mymodel.py\"");

        ModelConfigNormalizer.autoCompleteBackendFields(config, "m", dir);

        assertThat(config.getDefaultModelFilename()).isEqualTo("mymodel.py");
    }

    @Test
    void aDifferentNameThanTheDirectoryIsRejected() throws IOException {
        Path dir = modelDir("dir_name", "1/model.py");

        assertThatThrownBy(() -> ModelConfigNormalizer.autoCompleteBackendFields(builder("name: \"other\""),
                "dir_name", dir))
                .isInstanceOf(TritonException.class)
                .satisfies(e -> assertThat(codeOf(e)).isEqualTo(TritonCode.INVALID_ARG))
                .hasMessage("unexpected directory name 'dir_name' for model 'other', directory name must equal "
                        + "model name");
    }

    @Test
    void nonPythonBackendsAreUnsupported() throws IOException {
        Path onnx = modelDir("onnx_model", "1/model.onnx");
        assertThatThrownBy(() -> ModelConfigNormalizer.autoCompleteBackendFields(ModelConfig.newBuilder(),
                "onnx_model", onnx))
                .satisfies(e -> assertThat(codeOf(e)).isEqualTo(TritonCode.UNSUPPORTED))
                .hasMessageContaining("backend 'onnxruntime' (platform 'onnxruntime_onnx')");

        Path tf = modelDir("tf", "1/model.savedmodel/saved_model.pb");
        assertThatThrownBy(() -> ModelConfigNormalizer.autoCompleteBackendFields(ModelConfig.newBuilder(), "tf", tf))
                .satisfies(e -> assertThat(codeOf(e)).isEqualTo(TritonCode.UNSUPPORTED))
                .hasMessageContaining("backend 'tensorflow' (platform 'tensorflow_savedmodel')");

        assertThatThrownBy(() -> ModelConfigNormalizer.autoCompleteBackendFields(builder("platform: \"ensemble\""),
                "tf", tf))
                .satisfies(e -> assertThat(codeOf(e)).isEqualTo(TritonCode.UNSUPPORTED))
                .hasMessageContaining("platform 'ensemble'");

        assertThatThrownBy(() -> ModelConfigNormalizer.autoCompleteBackendFields(builder("backend: \"vllm\""),
                "tf", tf))
                .satisfies(e -> assertThat(codeOf(e)).isEqualTo(TritonCode.UNSUPPORTED))
                .hasMessageContaining("backend 'vllm'");
    }

    @Test
    void pythonFileUnderAnotherNameNeedsAnExplicitBackend() throws IOException {
        Path dir = modelDir("m", "1/mymodel.py");

        assertThatThrownBy(() -> ModelConfigNormalizer.autoCompleteBackendFields(
                builder("default_model_filename: \"mymodel.py\""), "m", dir))
                .satisfies(e -> assertThat(codeOf(e)).isEqualTo(TritonCode.INVALID_ARG))
                .hasMessage("must specify 'platform' or 'backend' for 'm'");
    }

    @Test
    void coreDefaultsFillVersionPolicyAndPinnedMemory() {
        ModelConfig.Builder config = builder("name: \"m\" optimization { input_pinned_memory { enable: false } }");

        ModelConfigNormalizer.applyCoreDefaults(config);

        assertThat(config.getVersionPolicy().getLatest().getNumVersions()).isEqualTo(1);
        assertThat(config.getOptimization().getInputPinnedMemory().getEnable()).isFalse();
        assertThat(config.getOptimization().getOutputPinnedMemory().getEnable()).isTrue();
        assertThat(config.hasDynamicBatching()).isFalse();
        assertThat(config.hasSequenceBatching()).isFalse();
    }

    @Test
    void dynamicBatchingGetsMaxBatchSizeAsPreferredSize() {
        ModelConfig.Builder batching = builder("max_batch_size: 8 dynamic_batching { }");
        ModelConfigNormalizer.applyCoreDefaults(batching);
        assertThat(batching.getDynamicBatching().getPreferredBatchSizeList()).containsExactly(8);

        ModelConfig.Builder explicit = builder("max_batch_size: 8 dynamic_batching { preferred_batch_size: [ 2, 4 ] }");
        ModelConfigNormalizer.applyCoreDefaults(explicit);
        assertThat(explicit.getDynamicBatching().getPreferredBatchSizeList()).containsExactly(2, 4);

        ModelConfig.Builder notBatching = builder("dynamic_batching { }");
        ModelConfigNormalizer.applyCoreDefaults(notBatching);
        assertThat(notBatching.getDynamicBatching().getPreferredBatchSizeList()).isEmpty();
    }

    @Test
    void sequenceBatchingGetsTheDefaultIdleTimeout() {
        ModelConfig.Builder config = builder("max_batch_size: 4 sequence_batching { oldest { } }");

        ModelConfigNormalizer.applyCoreDefaults(config);

        assertThat(config.getSequenceBatching().getMaxSequenceIdleMicroseconds()).isEqualTo(1_000_000L);
        assertThat(config.getSequenceBatching().getOldest().getPreferredBatchSizeList()).containsExactly(4);
    }

    @Test
    void missingInstanceGroupBecomesOneCpuGroupNamedLikeTheModel() {
        ModelConfig.Builder config = builder("name: \"m\" backend: \"python\"");

        ModelConfigNormalizer.normalize(config);

        assertThat(config.getInstanceGroupList()).containsExactly(ModelInstanceGroup.newBuilder()
                .setName("m").setKind(ModelInstanceGroup.Kind.KIND_CPU).setCount(1).build());
    }

    @Test
    void instanceGroupsGetNamesKindsAndCounts() {
        ModelConfig.Builder config = builder("""
                name: "m" backend: "python"
                instance_group [
                  { count: 0 },
                  { name: "named" kind: KIND_CPU count: 3 },
                  { kind: KIND_GPU gpus: [ 0 ] },
                  { kind: KIND_MODEL count: -2 }
                ]
                """);

        ModelConfigNormalizer.normalize(config);

        assertThat(config.getInstanceGroupList()).extracting(ModelInstanceGroup::getName)
                .containsExactly("m_0", "named", "m_2", "m_3");
        assertThat(config.getInstanceGroupList()).extracting(ModelInstanceGroup::getKind)
                .containsExactly(ModelInstanceGroup.Kind.KIND_CPU, ModelInstanceGroup.Kind.KIND_CPU,
                        ModelInstanceGroup.Kind.KIND_GPU, ModelInstanceGroup.Kind.KIND_MODEL);
        assertThat(config.getInstanceGroupList()).extracting(ModelInstanceGroup::getCount)
                .containsExactly(1, 3, 1, 1);
    }

    @Test
    void normalizationIsIdempotent() {
        ModelConfig.Builder config = builder("name: \"m\" backend: \"python\" max_batch_size: 2 dynamic_batching { }");
        ModelConfigNormalizer.normalize(config);
        ModelConfig once = config.build();

        ModelConfigNormalizer.normalize(config);

        assertThat(config.build()).isEqualTo(once);
    }

    @Test
    void theReferenceExampleNormalizesToTritonsJson() throws IOException {
        Path dir = modelDir("add_sub", "1/model.py");
        Files.writeString(dir.resolve("config.pbtxt"), """
                input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ 4 ] } ]
                output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ 4 ] } ]
                instance_group [{ kind: KIND_CPU }]
                """);

        ModelConfig config = ModelConfigPreparer.prepare(dir, "", true, ModelConfigPreparer.NO_AUTO_COMPLETE);

        assertThat(ModelConfigJson.toJson(config)).isEqualTo(ModelConfigJsonTest.ADD_SUB_JSON);
    }
}
