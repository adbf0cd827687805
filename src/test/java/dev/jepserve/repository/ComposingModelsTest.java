package dev.jepserve.repository;

import dev.jepserve.config.proto.ModelConfig;
import dev.jepserve.config.proto.ModelEnsembling;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ComposingModelsTest {

    private static ModelConfig ensembleOf(String... steps) {
        ModelEnsembling.Builder scheduling = ModelEnsembling.newBuilder();
        for (String step : steps) {
            scheduling.addStep(ModelEnsembling.Step.newBuilder().setModelName(step));
        }
        return ModelConfig.newBuilder().setName("e").setPlatform("ensemble").setEnsembleScheduling(scheduling).build();
    }

    @Test
    void stepModelsAreDistinctAndInStepOrder() {
        assertEquals(List.of("b", "a"), ComposingModels.stepModels(ensembleOf("b", "a", "b")));
        assertEquals(List.of(), ComposingModels.stepModels(ModelConfig.newBuilder().setName("plain").build()));
    }

    @Test
    void unloadingWithDependentsFreesOnlyModelsNoOtherEnsembleUsesAndTheUserDidNotLoad() {
        ComposingModels composing = new ComposingModels();
        composing.uses("e1", List.of("a", "b", "c"));
        composing.loadedAlongWith("a");
        composing.loadedAlongWith("b");
        composing.loadedAlongWith("c");
        composing.uses("e2", List.of("b"));
        composing.claimedByUser("c");

        assertEquals(List.of("a"), composing.release("e1", true));
        assertEquals(List.of("b"), composing.release("e2", true));
    }

    @Test
    void unloadingWithoutDependentsKeepsThemDependentsForLater() {
        ComposingModels composing = new ComposingModels();
        composing.uses("e", List.of("a"));
        composing.loadedAlongWith("a");
        assertEquals(List.of(), composing.release("e", false));
        composing.uses("e", List.of("a"));
        assertEquals(List.of("a"), composing.release("e", true));
        assertEquals(List.of(), composing.release("e", true));
    }
}
