package dev.jepserve.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jepserve.config.proto.ModelConfig;
import dev.jepserve.inference.ModelBackend;
import dev.jepserve.inference.TritonCode;
import dev.jepserve.inference.TritonException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LazyBackendTest {
    /** Completes a config by naming it after the model. */
    private static final class Naming implements ModelBackend {
        @Override
        public ModelConfig autoComplete(String modelName, ModelConfig partial, Path newestVersionDir, Path modelDir) {
            return partial.toBuilder().setName(modelName).build();
        }

        @Override
        public LoadedInstances loadInstances(VersionSource version) {
            return new LoadedInstances(List.of(), () -> { });
        }
    }

    @Test
    void theBackendIsMadeOnFirstUseOnly() {
        AtomicInteger made = new AtomicInteger();
        LazyBackend lazy = new LazyBackend(() -> {
            made.incrementAndGet();
            return new Naming();
        });
        assertThat(made).hasValue(0);

        assertThat(lazy.autoComplete("m", ModelConfig.getDefaultInstance(), Path.of("1"), Path.of(".")).getName())
                .isEqualTo("m");
        lazy.loadInstances(new ModelBackend.VersionSource("m", Path.of("."), ModelConfig.getDefaultInstance(), 1,
                Path.of("1")));

        assertThat(made).hasValue(1);
    }

    @Test
    void aFailedStartFailsTheLoadWithItsMessageAndIsTriedAgain() {
        AtomicInteger attempts = new AtomicInteger();
        LazyBackend lazy = new LazyBackend(() -> {
            if (attempts.incrementAndGet() == 1) {
                throw new IllegalStateException("numpy is missing from python");
            }
            return new Naming();
        });

        assertThatThrownBy(() -> lazy.autoComplete("m", ModelConfig.getDefaultInstance(), Path.of("1"), Path.of(".")))
                .isInstanceOfSatisfying(TritonException.class, e -> {
                    assertThat(e.code()).isEqualTo(TritonCode.INTERNAL);
                    assertThat(e.getMessage()).isEqualTo("numpy is missing from python");
                });
        assertThat(lazy.autoComplete("m", ModelConfig.getDefaultInstance(), Path.of("1"), Path.of(".")).getName())
                .isEqualTo("m");
    }

    @Test
    void startNowMakesItAtOnceAndLetsAFailureThrough() {
        assertThatThrownBy(() -> new LazyBackend(() -> {
            throw new IllegalStateException("broken python");
        }).startNow()).isInstanceOf(IllegalStateException.class).hasMessage("broken python");
    }
}
