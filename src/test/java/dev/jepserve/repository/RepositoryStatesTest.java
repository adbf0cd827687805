package dev.jepserve.repository;

import dev.jepserve.config.proto.ModelConfig;
import dev.jepserve.inference.ModelStatistics;
import dev.jepserve.inference.RequestHandle;
import dev.jepserve.inference.Scheduler;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class RepositoryStatesTest {
    private static final Path DIR = Path.of("m");

    private static ModelVersionRuntime runtime(long version) {
        Scheduler idle = new Scheduler() {
            @Override
            public RequestHandle submit(dev.jepserve.inference.InferenceRequest request, int batchSize,
                                        dev.jepserve.inference.ResponseSink sink) {
                return RequestHandle.NONE;
            }

            @Override
            public void drain(long timeoutMillis) {
            }
        };
        return new ModelVersionRuntime("m", version, ModelConfig.getDefaultInstance(), idle, new ModelStatistics(),
                () -> true, () -> { }, () -> CompletableFuture.completedFuture(true));
    }

    private static LoadedModel model(VersionStatus... versions) {
        return new LoadedModel("m", DIR, List.of(versions));
    }

    @Test
    void newVersionsShowLoadingWhileServingOnesKeepServing() {
        ModelVersionRuntime one = runtime(1);
        LoadedModel loading = RepositoryStates.loading(model(VersionStatus.ready(one)), "m", DIR, List.of(1L, 2L));
        assertThat(loading.versions()).extracting(VersionStatus::state)
                .containsExactly(ModelState.READY, ModelState.LOADING);
        assertThat(loading.versions().get(0).runtime()).isSameAs(one);
    }

    @Test
    void aLoadReplacesReloadedVersionsAndUnloadsOnesThePolicyDropped() {
        ModelVersionRuntime oldOne = runtime(1);
        ModelVersionRuntime oldTwo = runtime(2);
        ModelVersionRuntime newTwo = runtime(2);
        ModelVersionRuntime newThree = runtime(3);
        RepositoryStates.Swap swap = RepositoryStates.afterLoad(
                model(VersionStatus.ready(oldOne), VersionStatus.ready(oldTwo)), "m", DIR,
                List.of(VersionStatus.ready(newTwo), VersionStatus.ready(newThree)));
        assertThat(swap.published().versions()).extracting(VersionStatus::version).containsExactly(1L, 2L, 3L);
        assertThat(swap.published().versions().get(0).isUnloaded()).isTrue();
        assertThat(swap.published().versions().get(1).runtime()).isSameAs(newTwo);
        assertThat(swap.retiring()).containsExactlyInAnyOrder(oldOne, oldTwo);
    }

    @Test
    void aFailedReloadKeepsTheServingVersion() {
        ModelVersionRuntime serving = runtime(1);
        List<VersionStatus> loaded = List.of(VersionStatus.unavailable(1, "boom"));
        RepositoryStates.Swap swap = RepositoryStates.afterLoad(model(VersionStatus.ready(serving)), "m", DIR, loaded);
        assertThat(swap.published().versions().get(0).runtime()).isSameAs(serving);
        assertThat(swap.retiring()).isEmpty();
        assertThat(RepositoryStates.failures("m", loaded))
                .isEqualTo("load failed for model 'm': version 1 is at UNAVAILABLE state: boom;\n");
    }

    @Test
    void unloadGoesThroughUnloadingToUnloaded() {
        LoadedModel ready = model(VersionStatus.ready(runtime(1)), VersionStatus.unavailable(2, "broken"));
        LoadedModel unloading = RepositoryStates.unloading(ready);
        assertThat(unloading.versions()).extracting(VersionStatus::state)
                .containsExactly(ModelState.UNLOADING, ModelState.UNAVAILABLE);
        assertThat(RepositoryStates.runtimes(ready)).hasSize(1);
        LoadedModel unloaded = RepositoryStates.unloaded(ready);
        assertThat(unloaded.versions()).allMatch(VersionStatus::isUnloaded);
    }

    @Test
    void serverReadinessIgnoresUnloadedModelsButNotLoadingOnes() {
        ModelRepository repository = new ModelRepository(List.of());
        repository.publish(model(VersionStatus.unloaded(1)));
        assertThat(repository.allReady()).isTrue();
        repository.publish(model(VersionStatus.loading(1)));
        assertThat(repository.allReady()).isFalse();
    }
}
