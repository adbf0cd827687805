package dev.jepserve.cli;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FlagWarningsTest {
    private final FlagParser parser = new FlagParser(TritonFlags.ALL, "test");

    private List<String> warnings(String... args) {
        return FlagWarnings.lines(parser.parse(args));
    }

    @Test
    void implementedFlagsNeedNoWarning() {
        assertThat(warnings("--model-repository=r", "--http-port=1", "--log-verbose=1", "--exit-on-error=true",
                "--strict-readiness=false", "--metrics-config=histogram_latencies=true", "--log-file=x"))
                .isEmpty();
    }

    @Test
    void aFlagWithoutEffectGetsOneLineWithItsValueAndReason() {
        assertThat(warnings("--model-repository=r", "--cuda-memory-pool-byte-size=0:1024"))
                .containsExactly("--cuda-memory-pool-byte-size=0:1024: no effect here, jepserve runs models on the "
                        + "CPU; there is no GPU or CUDA memory");
    }

    @Test
    void flagsWithTheSameReasonShareOneLine() {
        assertThat(warnings("--model-repository=r", "--allow-grpc=true", "--grpc-port", "9001",
                "--grpc-use-ssl=true", "--grpc-http2-max-ping-strikes=5"))
                .containsExactly("--grpc-use-ssl=true --grpc-http2-max-ping-strikes=5: not implemented yet, "
                        + "grpc-java's default applies");
    }

    @Test
    void valuesJepserveAlreadyHonoursNeedNoWarning() {
        assertThat(warnings("--model-repository=r", "--model-control-mode=none", "--allow-grpc=false",
                "--rate-limit=off", "--allow-gpu-metrics=false", "--reuse-http-port=0")).isEmpty();
        assertThat(warnings("--model-repository=r", "--model-control-mode=explicit", "--load-model=a",
                "--load-model=b"))
                .isEmpty();
    }

    @Test
    void pythonBackendSettingsAreKeptOthersHaveNoEffect() {
        assertThat(warnings("--model-repository=r", "--backend-config=python,shm-default-byte-size=1048576",
                "--backend-config=python,stub-timeout-seconds=5",
                "--backend-config=tensorrt,coalesce-request-input=true"))
                .containsExactly(
                        "--backend-config=python,shm-default-byte-size=1048576: not implemented yet, Python backend "
                                + "settings are kept for the planned stub processes and change nothing yet",
                        "--backend-config=tensorrt,coalesce-request-input=true: no effect here, jepserve serves "
                                + "Python-backend models only");
    }

    @Test
    void metricsSettingsAreAllImplementedSoNoneWarns() {
        assertThat(warnings("--model-repository=r", "--metrics-config=summary_latencies=true",
                "--metrics-config=summary_quantiles=0.5:0.05", "--metrics-config=counter_latencies=false"))
                .isEmpty();
    }

    @Test
    void presenceFlagsAreNamedWithoutAValue() {
        assertThat(warnings("--model-repository=r", "--backend-directory", "/opt/tritonserver/backends"))
                .singleElement().asString().startsWith("--backend-directory=/opt/tritonserver/backends: no effect here");
    }
}
