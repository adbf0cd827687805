package dev.jepserve;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackendConfigTest {
    @Test
    void settingsAreGroupedByBackendAndLaterValuesWin() {
        BackendConfig config = BackendConfig.parse(List.of("python,shm-default-byte-size=1", "tensorrt,a=b",
                "python,shm-default-byte-size=2", "default-max-batch-size=4", "python,key=x=y"));

        assertThat(config.python()).isEqualTo(Map.of("shm-default-byte-size", "2", "key", "x=y"));
        assertThat(config.settings("tensorrt")).isEqualTo(Map.of("a", "b"));
        assertThat(config.settings(BackendConfig.GLOBAL)).isEqualTo(Map.of("default-max-batch-size", "4"));
        assertThat(config.settings("onnxruntime")).isEmpty();
    }

    @Test
    void malformedEntriesAreRefused() {
        for (String bad : List.of("python", ",a=b", "python,=b", "python,a=", "a=")) {
            assertThatThrownBy(() -> BackendConfig.parse(List.of(bad))).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--backend-config");
        }
    }
}
