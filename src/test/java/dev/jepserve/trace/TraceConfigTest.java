package dev.jepserve.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jepserve.inference.TritonException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TraceConfigTest {

    @Test
    void defaultsAreTritons() {
        TraceConfig config = TraceConfig.parse(List.of());
        assertThat(config.settings()).isEqualTo(new TraceSettings(List.of(), 1000, -1, 0, ""));
        assertThat(config.mode()).isEqualTo(TraceMode.TRITON);
        assertThat(config.otel().url()).isEqualTo("http://localhost:4318/v1/traces");
        assertThat(config.otel().resource()).containsEntry("service.name", "triton-inference-server");
    }

    @Test
    void tritonsExampleCommandLine() {
        TraceConfig config = TraceConfig.parse(List.of("triton,file=traces/trace.json", "triton,log-frequency=50",
                "rate=100", "level=TIMESTAMPS", "count=100", "level=tensors", "level=TIMESTAMPS"));
        assertThat(config.settings()).isEqualTo(new TraceSettings(List.of("TIMESTAMPS", "TENSORS"), 100, 100, 50,
                "traces/trace.json"));
        assertThat(TraceConfig.parse(List.of("level=TIMESTAMPS", "level=OFF")).settings().levels()).isEmpty();
    }

    @Test
    void opentelemetrySettings() {
        TraceConfig config = TraceConfig.parse(List.of("mode=opentelemetry", "opentelemetry,url=localhost:4318/v1/traces",
                "opentelemetry,resource=service.name=test_triton", "opentelemetry,resource=test.key=test.value",
                "opentelemetry,bsp_schedule_delay=100"));
        assertThat(config.mode()).isEqualTo(TraceMode.OPENTELEMETRY);
        assertThat(config.otel().resource()).containsEntry("service.name", "test_triton")
                .containsEntry("test.key", "test.value");
        assertThat(config.otel().scheduleDelayMillis()).isEqualTo(100);
        assertThat(OtelTraceSink.endpoint(config.otel().url())).isEqualTo("http://localhost:4318/v1/traces");
    }

    @Test
    void badEntriesAreOneLineErrors() {
        for (String bad : List.of("level=LOUD", "rate=-1", "rate=often", "count=-2", "mode=zipkin", "colour=red",
                "triton,url=x", "jaeger,file=x", "rate", "opentelemetry,resource=novalue",
                "opentelemetry,url=ftp://host/x", "opentelemetry,url=http://")) {
            assertThatThrownBy(() -> TraceConfig.parse(List.of(bad)), bad)
                    .isInstanceOf(IllegalArgumentException.class).message().doesNotContain("\n");
        }
        assertThatThrownBy(() -> TraceConfig.parse(List.of("mode=opentelemetry", "level=TENSORS")))
                .hasMessageContaining("TENSORS");
    }

    @Test
    void samplingFollowsRateAndCount() {
        TraceManager manager = new TraceManager(TraceConfig.parse(List.of("level=TIMESTAMPS", "rate=3", "count=2")),
                TraceSink.NONE);
        int traced = 0;
        for (int i = 0; i < 12; i++) {
            if (manager.sample("m", 1, "HTTP") != null) {
                traced++;
            }
        }
        assertThat(traced).isEqualTo(2);
        assertThat(manager.settings(null).get("trace_count")).containsExactly("0");
    }

    @Test
    void offSamplesNothingAndModelSettingsOverrideGlobalOnes() {
        TraceManager manager = new TraceManager(TraceConfig.parse(List.of("rate=1")), TraceSink.NONE);
        assertThat(manager.sample("m", 1, "HTTP")).isNull();
        manager.update("m", Map.of("trace_level", List.of("TIMESTAMPS")));
        assertThat(manager.sample("m", 1, "HTTP")).isNotNull();
        assertThat(manager.sample("other", 1, "HTTP")).isNull();
        Map<String, List<String>> clear = new HashMap<>();
        clear.put("trace_level", null);
        manager.update("m", clear);
        assertThat(manager.sample("m", 1, "HTTP")).isNull();
        assertThat(manager.settings("m")).isEqualTo(manager.settings(null));
    }

    @Test
    void refusalsChangeNothing() {
        TraceManager manager = new TraceManager(TraceConfig.parse(List.of("rate=5")), TraceSink.NONE);
        Map<String, List<String>> mixed = new HashMap<>();
        mixed.put("trace_rate", List.of("7"));
        mixed.put("trace_count", List.of("many"));
        assertThatThrownBy(() -> manager.update(null, mixed)).isInstanceOf(TritonException.class)
                .hasMessageContaining("trace_count");
        assertThat(manager.settings(null).get("trace_rate")).containsExactly("5");
        assertThatThrownBy(() -> manager.update(null, Map.of("trace_file", Arrays.asList("x"))))
                .hasMessage("trace file location can not be updated through network protocol");
    }
}
