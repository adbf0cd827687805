package dev.jepserve.config;

import dev.jepserve.config.proto.ModelConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EnsembleConfigsTest {
    private static final String IO = "platform: \"ensemble\"\n"
            + "input [ { name: \"X\", data_type: TYPE_INT32, dims: [ 1 ] } ]\n"
            + "output [ { name: \"Y\", data_type: TYPE_INT32, dims: [ 1 ] } ]\n";

    @TempDir
    Path repo;

    private Path ensemble(String steps) throws IOException {
        Path dir = repo.resolve("pipeline");
        Files.createDirectories(dir.resolve("1"));
        Files.writeString(dir.resolve("config.pbtxt"), IO + "ensemble_scheduling { step [ " + steps + " ] }\n");
        return dir;
    }

    private void model(String name, boolean decoupled) throws IOException {
        Path dir = repo.resolve(name);
        Files.createDirectories(dir.resolve("1"));
        Files.writeString(dir.resolve("config.pbtxt"), "backend: \"python\"\n"
                + (decoupled ? "model_transaction_policy { decoupled: true }\n" : ""));
    }

    private static String step(String model, String in, String out) {
        return "{ model_name: \"" + model + "\" model_version: -1 input_map { key: \"A\" value: \"" + in
                + "\" } output_map { key: \"B\" value: \"" + out + "\" } }";
    }

    @Test
    void aChainOfStepsIsNormalizedWithoutBackendOrInstances() throws IOException {
        model("first", false);
        model("second", false);
        Path dir = ensemble(step("first", "X", "T") + ", " + step("second", "T", "Y"));
        ModelConfig config = ModelConfigPreparer.prepare(dir, "", true, c -> {
            throw new AssertionError("an ensemble has no auto-complete");
        });
        assertThat(config.getName()).isEqualTo("pipeline");
        assertThat(config.getBackend()).isEmpty();
        assertThat(config.getInstanceGroupCount()).isZero();
        assertThat(config.getVersionPolicy().getLatest().getNumVersions()).isEqualTo(1);
        assertThat(config.getModelTransactionPolicy().getDecoupled()).isFalse();
    }

    @Test
    void aDecoupledStepMakesTheEnsembleDecoupled() throws IOException {
        model("first", true);
        model("second", false);
        Path dir = ensemble(step("first", "X", "T") + ", " + step("second", "T", "Y"));
        ModelConfig config = ModelConfigPreparer.prepare(dir, "", true, c -> c);
        assertThat(config.getModelTransactionPolicy().getDecoupled()).isTrue();
    }

    @Test
    void aStepInputNothingProvidesIsRefused() throws IOException {
        Path dir = ensemble(step("first", "NOWHERE", "Y"));
        assertThatThrownBy(() -> ModelConfigPreparer.prepare(dir, "", true, c -> c))
                .hasMessage("in ensemble pipeline, step 0 (model 'first') needs ensemble tensors that no step or "
                        + "input provides: NOWHERE");
    }

    @Test
    void anOutputNoStepProducesIsRefused() throws IOException {
        Path dir = ensemble(step("first", "X", "Z"));
        assertThatThrownBy(() -> ModelConfigPreparer.prepare(dir, "", true, c -> c))
                .hasMessage("in ensemble pipeline, no step produces ensemble output Y");
    }

    @Test
    void aTensorProducedTwiceIsRefused() throws IOException {
        Path dir = ensemble(step("first", "X", "Y") + ", " + step("second", "X", "Y"));
        assertThatThrownBy(() -> ModelConfigPreparer.prepare(dir, "", true, c -> c))
                .hasMessageContaining("is produced by more than one step (steps 0 and 1)");
    }

    @Test
    void instanceGroupsAreRefused() throws IOException {
        Path dir = ensemble(step("first", "X", "Y"));
        Files.writeString(dir.resolve("config.pbtxt"), "instance_group [ { count: 1 } ]\n", java.nio.file.StandardOpenOption.APPEND);
        assertThatThrownBy(() -> ModelConfigPreparer.prepare(dir, "", true, c -> c))
                .hasMessage("instance group should not be specified for ensemble 'pipeline'");
    }
}
